namespace MiniMesos.Core.Raft;

/// <summary>In-memory <see cref="ISnapshotStore"/>, for tests and simulation.</summary>
internal sealed class InMemorySnapshotStore : ISnapshotStore
{
    public Snapshot? Latest { get; private set; }

    public void Save(Snapshot snapshot) => Latest = snapshot;
}
