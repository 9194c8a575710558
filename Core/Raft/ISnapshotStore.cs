namespace MiniMesos.Core.Raft;

/// <summary>The latest snapshot only (SQL: one row <c>snapshot(idx, term, voters, data)</c>); older ones are useless to Raft.</summary>
internal interface ISnapshotStore
{
    Snapshot? Latest { get; }

    void Save(Snapshot snapshot);
}
