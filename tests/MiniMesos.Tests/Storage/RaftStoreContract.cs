using MiniMesos.Core.Raft;
using Xunit;

namespace MiniMesos.Tests.Storage;

/// <summary>
/// What every implementation of the Raft store interfaces must do, run against the in-memory stores (the reference the
/// simulation relies on) and the SQLite store alike, so the two cannot drift apart.
/// </summary>
public abstract class RaftStoreContract : IDisposable
{
    /// <summary>The stores under test and the way this implementation persists a whole Ready.</summary>
    private protected abstract (RaftStorage Storage, Action<Ready> Persist) Create();

    public virtual void Dispose()
    {
    }

    private protected static LogEntry E(ulong index, ulong term, EntryType type = EntryType.Normal) => new(index, term, type, [(byte)index, (byte)term]);

    [Fact]
    public void StartsEmpty()
    {
        var (s, _) = Create();
        Assert.Equal((1UL, 0UL), (s.Log.FirstIndex, s.Log.LastIndex));
        Assert.Empty(s.Log.Read(0, 100));
        Assert.Equal(default, s.Stable.Load());
        Assert.Null(s.Snapshots.Latest);
    }

    [Fact]
    public void AppendReplacesAConflictingSuffix()
    {
        var (s, _) = Create();
        var log = s.Log;
        log.Append([E(1, 1), E(2, 1), E(3, 1)]);
        log.Append([E(2, 2)]);
        Assert.Equal(2UL, log.LastIndex);
        Assert.Equal([1UL, 2UL], log.Read(1, 10).Select(e => e.Term));
        Assert.Throws<InvalidOperationException>(() => log.Append([E(5, 2)]));
        Assert.Equal(2UL, log.LastIndex);
        log.Append([E(3, 2), E(4, 3)]);
        Assert.Equal([1UL, 2UL, 2UL, 3UL], log.Read(0, ulong.MaxValue).Select(e => e.Term));
    }

    [Fact]
    public void ReadClampsToStoredRangeAndKeepsContent()
    {
        var (s, _) = Create();
        var entries = new[] { E(1, 1), new LogEntry(2, 1, EntryType.Config, new ClusterConfig([1, 2, 3]).Encode()), new LogEntry(3, 2, EntryType.Normal, []) };
        s.Log.Append(entries);
        AssertEntries(entries, s.Log.Read(0, 99));
        AssertEntries([entries[1]], s.Log.Read(2, 2));
        Assert.Empty(s.Log.Read(4, 9));
        Assert.Empty(s.Log.Read(3, 2));
    }

    [Fact]
    public void DeleteThroughCompactsAndCanEmptyTheLog()
    {
        var (s, _) = Create();
        var log = s.Log;
        log.Append([E(1, 1), E(2, 1), E(3, 1)]);
        log.DeleteThrough(2);
        Assert.Equal((3UL, 3UL), (log.FirstIndex, log.LastIndex));
        Assert.Equal([3UL], log.Read(1, 10).Select(e => e.Index));
        log.DeleteThrough(1);
        Assert.Equal((3UL, 3UL), (log.FirstIndex, log.LastIndex));
        log.DeleteThrough(10);
        Assert.Equal((11UL, 10UL), (log.FirstIndex, log.LastIndex));
        Assert.Empty(log.Read(0, 20));
        log.Append([E(11, 2)]);
        Assert.Equal((11UL, 11UL), (log.FirstIndex, log.LastIndex));
        Assert.Throws<InvalidOperationException>(() => log.Append([E(10, 2)]));
    }

    [Fact]
    public void HardStateAndSnapshotAreReplaced()
    {
        var (s, _) = Create();
        s.Stable.Save(new HardState(3, 2, 1));
        s.Stable.Save(new HardState(4, 0, 2));
        Assert.Equal(new HardState(4, 0, 2), s.Stable.Load());
        s.Snapshots.Save(new Snapshot(new SnapshotMetadata(5, 2, new ClusterConfig([1, 2])), [1, 2, 3]));
        var second = new Snapshot(new SnapshotMetadata(9, 3, new ClusterConfig([1, 2, 3])), [4, 5]);
        s.Snapshots.Save(second);
        AssertSnapshot(second, s.Snapshots.Latest);
    }

    [Fact]
    public void PersistInstallsLeaderSnapshotOverTheWholeLog()
    {
        var (s, persist) = Create();
        s.Log.Append([E(1, 1), E(2, 1), E(3, 1)]);
        var snapshot = new Snapshot(new SnapshotMetadata(2, 1, new ClusterConfig([1])), []);
        persist(new Ready { Snapshot = snapshot, SnapshotFromLeader = true, HardState = new HardState(2, 0, 2), Entries = [E(3, 2)] });
        AssertSnapshot(snapshot, s.Snapshots.Latest);
        Assert.Equal(new HardState(2, 0, 2), s.Stable.Load());
        Assert.Equal([2UL], s.Log.Read(1, 10).Select(e => e.Term));
        Assert.Equal((3UL, 3UL), (s.Log.FirstIndex, s.Log.LastIndex));
    }

    [Fact]
    public void PersistLocalSnapshotKeepsTheLogAfterIt()
    {
        var (s, persist) = Create();
        persist(new Ready { HardState = new HardState(1, 1, 0), Entries = [E(1, 1), E(2, 1), E(3, 1), E(4, 1)] });
        persist(new Ready { Snapshot = new Snapshot(new SnapshotMetadata(2, 1, new ClusterConfig([1])), [7]) });
        Assert.Equal((3UL, 4UL), (s.Log.FirstIndex, s.Log.LastIndex));
        Assert.Equal(new HardState(1, 1, 0), s.Stable.Load());
        Assert.Equal([3UL, 4UL], s.Log.Read(0, 10).Select(e => e.Index));
    }

    [Fact]
    public void PersistLocalSnapshotKeepsTheTailItWasAskedToKeep()
    {
        var (s, persist) = Create();
        persist(new Ready { HardState = new HardState(1, 1, 0), Entries = [E(1, 1), E(2, 1), E(3, 1), E(4, 1)] });
        persist(new Ready { Snapshot = new Snapshot(new SnapshotMetadata(3, 1, new ClusterConfig([1])), [7]), CompactThrough = 1 });
        Assert.Equal([2UL, 3UL, 4UL], s.Log.Read(0, 10).Select(e => e.Index));
        Assert.Equal(3UL, s.Snapshots.Latest!.Metadata.Index);
    }

    /// <summary>Entries compared by value (records compare byte arrays by reference).</summary>
    private protected static void AssertEntries(IEnumerable<LogEntry> expected, IEnumerable<LogEntry> actual) =>
        Assert.Equal(expected.Select(Show), actual.Select(Show));

    private static string Show(LogEntry e) => $"{e.Index}/t{e.Term}/{e.Type}/{Convert.ToHexString(e.Data)}";

    private protected static void AssertSnapshot(Snapshot expected, Snapshot? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Metadata, actual.Metadata);
        Assert.Equal(expected.Data, actual.Data);
    }
}
