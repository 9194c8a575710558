namespace MiniMesos.Core.Raft;

/// <summary>
/// The three durable stores a node needs, and the one correct way to persist a <see cref="Ready"/> into them.
/// A real implementation should run <see cref="Persist"/> in one transaction so a crash keeps all or nothing.
/// </summary>
internal sealed record RaftStorage(IRaftLogStore Log, IStableStore Stable, ISnapshotStore Snapshots)
{
    public static RaftStorage InMemory() => new(new InMemoryRaftLogStore(), new InMemoryStableStore(), new InMemorySnapshotStore());

    /// <summary>Persist snapshot, then hard state and entries. Call BEFORE sending <see cref="Ready.Messages"/>.</summary>
    public void Persist(Ready ready)
    {
        if (ready.Snapshot is { } snapshot)
        {
            Snapshots.Save(snapshot);
            // A snapshot received from the leader replaces the whole log; a local one only drops the covered prefix (but the tail it keeps).
            Log.DeleteThrough(ready.SnapshotFromLeader ? Math.Max(Log.LastIndex, snapshot.Metadata.Index) : ready.CompactThrough ?? snapshot.Metadata.Index);
        }
        if (ready.HardState is { } hardState)
        {
            Stable.Save(hardState);
        }
        if (ready.Entries.Count > 0)
        {
            Log.Append(ready.Entries);
        }
    }
}
