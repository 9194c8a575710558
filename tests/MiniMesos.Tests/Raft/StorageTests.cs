using MiniMesos.Core.Raft;
using Xunit;

namespace MiniMesos.Tests.Raft;

/// <summary>The in-memory stores, which stand for the SQLite ones in tests and simulation, behave as the interfaces promise.</summary>
public sealed class StorageTests
{
    private static LogEntry E(ulong index, ulong term) => new(index, term, EntryType.Normal, [(byte)index]);

    [Fact]
    public void AppendReplacesAConflictingSuffix()
    {
        var log = new InMemoryRaftLogStore();
        Assert.Equal((1UL, 0UL), (log.FirstIndex, log.LastIndex));
        log.Append([E(1, 1), E(2, 1), E(3, 1)]);
        log.Append([E(2, 2)]);
        Assert.Equal(2UL, log.LastIndex);
        Assert.Equal([1UL, 2UL], log.Read(1, 10).Select(e => e.Term));
        Assert.Throws<InvalidOperationException>(() => log.Append([E(5, 2)]));
    }

    [Fact]
    public void DeleteThroughCompactsAndCanEmptyTheLog()
    {
        var log = new InMemoryRaftLogStore();
        log.Append([E(1, 1), E(2, 1), E(3, 1)]);
        log.DeleteThrough(2);
        Assert.Equal((3UL, 3UL), (log.FirstIndex, log.LastIndex));
        log.DeleteThrough(10);
        Assert.Equal((11UL, 10UL), (log.FirstIndex, log.LastIndex));
        log.Append([E(11, 2)]);
        Assert.Equal((11UL, 11UL), (log.FirstIndex, log.LastIndex));
    }

    [Fact]
    public void PersistInstallsLeaderSnapshotOverTheWholeLog()
    {
        var storage = RaftStorage.InMemory();
        storage.Log.Append([E(1, 1), E(2, 1), E(3, 1)]);
        var snapshot = new Snapshot(new SnapshotMetadata(2, 1, new ClusterConfig([1])), []);
        storage.Persist(new Ready { Snapshot = snapshot, SnapshotFromLeader = true, HardState = new HardState(2, 0, 2), Entries = [E(3, 2)] });
        Assert.Equal(snapshot, storage.Snapshots.Latest);
        Assert.Equal(new HardState(2, 0, 2), storage.Stable.Load());
        Assert.Equal([2UL], storage.Log.Read(1, 10).Select(e => e.Term));
    }
}
