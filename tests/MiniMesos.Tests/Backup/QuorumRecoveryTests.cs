using MiniMesos.Core.Raft;
using MiniMesos.Net.Storage;
using Xunit;

namespace MiniMesos.Tests.Backup;

/// <summary>`master recover` on a real SQLite store: the membership becomes the survivor alone and no entry is lost.</summary>
public sealed class QuorumRecoveryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("minimesos-recover-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TheSurvivorBecomesTheOnlyVoterKeepingCommittedAndUncommittedEntries()
    {
        using (var store = SqliteRaftStore.Open(_dir, new StoreIdentity("test", 1)))
        {
            store.Append([
                new LogEntry(1, 0, EntryType.Config, new ClusterConfig([1, 2, 3]).Encode()),
                new LogEntry(2, 1, EntryType.Normal, [1]),
                new LogEntry(3, 1, EntryType.Normal, [2]),
                new LogEntry(4, 2, EntryType.Normal, [3]),
            ]);
            store.Save(new HardState(2, 1, 3)); // entry 4 is not known to be committed
            Assert.Equal(new ClusterConfig([1, 2, 3]), QuorumRecovery.CurrentConfig(store));
            var (before, index) = QuorumRecovery.Rewrite(store, 1);
            Assert.Equal(new ClusterConfig([1, 2, 3]), before);
            Assert.Equal(5UL, index);
            Assert.Equal(0UL, QuorumRecovery.Rewrite(store, 1).Index); // a second run changes nothing
        }

        using var reopened = SqliteRaftStore.Open(_dir, new StoreIdentity("test", 1));
        Assert.Equal(new ClusterConfig([1]), QuorumRecovery.CurrentConfig(reopened));
        var node = new RaftNode(new RaftOptions { Id = 1 }, new RaftStorage(reopened, reopened, reopened), new SeededRaftRandom(1));
        Assert.Equal([1UL], node.Config.Voters);
        // Alone, it elects itself and its first commit commits the whole log, entry 4 included.
        for (var i = 0; i < 100 && node.Role != RaftRole.Leader; i++)
        {
            node.Tick();
            while (node.HasReady())
            {
                var ready = node.GetReady();
                reopened.Persist(ready);
                node.Advance(ready);
            }
        }
        Assert.Equal(RaftRole.Leader, node.Role);
        Assert.True(node.CommitIndex >= 6, $"commit {node.CommitIndex}");
        Assert.Equal([3], reopened.Read(4, 4)[0].Data);
    }
}
