using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Raft;
using MiniMesos.Net.Raft;
using MiniMesos.Net.Storage;
using MiniMesos.Tests.Storage;
using Xunit;

namespace MiniMesos.Tests.Raft;

/// <summary>
/// Compaction encodes the snapshot off the Raft loop: a real <see cref="RaftHost"/> over a real SQLite store, one voter,
/// with a state machine whose encoder blocks until the test lets it go. The loop must go on committing meanwhile, take
/// one compaction at a time, install the snapshot once encoded, and a restart from that snapshot must carry on exactly.
/// </summary>
public sealed class BackgroundCompactionTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly StoreIdentity Node = new("test", 1);
    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TheLoopKeepsCommittingWhileASnapshotIsEncodedAndARestartResumesFromIt()
    {
        var machine = new GatedMachine();
        ulong snapshotAt;
        var proposed = 0;
        using (var store = SqliteRaftStore.Open(_dir.Path, Node))
        {
            var host = Start(store, machine);
            await using (host)
            {
                await Eventually.TrueAsync(() => host.IsLeader, "the single voter leads", Patience);
                for (var i = 0; i < 5; i++, proposed++) await host.ProposeAsync([1], CancellationToken.None).WaitAsync(Patience);
                // Five entries applied (the founding configuration and the leader's no-op count) made compaction due: the
                // encoder has started and is now held.
                await machine.EncodingStarted.Task.WaitAsync(Patience);

                // While it is held the loop commits and applies on (twice the compaction interval, which would start another
                // compaction if one were not under way), and nothing is installed yet.
                for (var i = 0; i < 10; i++, proposed++) await host.ProposeAsync([1], CancellationToken.None).WaitAsync(Patience);
                Assert.Equal(proposed, machine.Applied);
                Assert.Equal(0UL, host.Status.SnapshotIndex);
                Assert.Equal(1, machine.Encodings);

                machine.Release.SetResult();
                await Eventually.TrueAsync(() => host.Status.SnapshotIndex > 0, "the encoded snapshot is installed", Patience);
                snapshotAt = host.Status.SnapshotIndex;
                // It was frozen at the index it is recorded at: the applies up to there, not those made while it encoded.
                Assert.Equal(machine.FrozenAt, snapshotAt);
                for (var i = 0; i < 3; i++, proposed++) await host.ProposeAsync([1], CancellationToken.None).WaitAsync(Patience);
            }
            Assert.True(store.Latest is { } latest && latest.Metadata.Index >= snapshotAt, "the snapshot is in the store");
        }

        // A restart: the state starts from the stored snapshot and the log after it, and holds every applied command once.
        using (var store = SqliteRaftStore.Open(_dir.Path, Node))
        {
            var stored = store.Latest!;
            var restarted = new GatedMachine();
            restarted.Release.SetResult();
            ((IRaftStateMachine)restarted).Restore(stored.Data);
            Assert.True(restarted.Applied < proposed, "the snapshot holds only part of what was applied");
            var host = Start(store, restarted);
            await using (host)
            {
                await Eventually.TrueAsync(() => host.IsLeader, "the restarted voter leads", Patience);
                await host.ProposeAsync([1], CancellationToken.None).WaitAsync(Patience);
                proposed++;
                Assert.Equal(proposed, restarted.Applied);
            }
        }
    }

    private static RaftHost Start(SqliteRaftStore store, GatedMachine machine)
    {
        var node = new RaftNode(new RaftOptions { Id = Node.NodeId, InitialVoters = store.LastIndex == 0 ? [Node.NodeId] : [] },
            new RaftStorage(store, store, store), new SeededRaftRandom(1));
        var host = new RaftHost(node, store.Persist, new NoPeers(), machine, TimeSpan.FromMilliseconds(10), NullLogger.Instance, compactEvery: 5);
        host.CampaignNow();
        return host;
    }

    private sealed class NoPeers : IRaftTransport
    {
        public void Send(RaftMessage message)
        {
        }
    }

    /// <summary>Counts applied commands; its snapshot is the count and the last index applied; the first encoding waits for <see cref="Release"/>.</summary>
    private sealed class GatedMachine : IRaftStateMachine
    {
        private long _applied;
        private ulong _lastIndex;
        private int _encodings;

        public TaskCompletionSource EncodingStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Applied => (int)Interlocked.Read(ref _applied);
        public int Encodings => Volatile.Read(ref _encodings);
        public ulong FrozenAt { get; private set; }

        public void Apply(ulong index, byte[] command)
        {
            Interlocked.Increment(ref _applied);
            Volatile.Write(ref _lastIndex, index);
        }

        public Func<byte[]> FreezeSnapshot()
        {
            var applied = Interlocked.Read(ref _applied);
            var last = Volatile.Read(ref _lastIndex);
            if (FrozenAt == 0) FrozenAt = last;
            return () =>
            {
                Interlocked.Increment(ref _encodings);
                EncodingStarted.TrySetResult();
                // Bounded: a test that never releases fails here rather than hanging.
                Release.Task.Wait(Patience);
                return [.. BitConverter.GetBytes(applied), .. BitConverter.GetBytes(last)];
            };
        }

        public void Restore(byte[] snapshot)
        {
            Interlocked.Exchange(ref _applied, BitConverter.ToInt64(snapshot, 0));
            Volatile.Write(ref _lastIndex, BitConverter.ToUInt64(snapshot, 8));
        }
    }
}
