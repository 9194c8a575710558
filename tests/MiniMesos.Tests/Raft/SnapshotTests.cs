using MiniMesos.Core.Raft;
using Xunit;

namespace MiniMesos.Tests.Raft;

public sealed class SnapshotTests
{
    /// <summary>§7 log compaction: a snapshot replaces the applied prefix in memory and in storage.</summary>
    [Fact]
    public void CompactionDropsTheAppliedPrefix()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        for (var i = 0; i < 5; i++)
        {
            c.Propose(1, $"e{i}");
        }
        c.Stabilize();
        c[1].Compact(5, "image"u8.ToArray());
        c.Process(1);
        Assert.Equal(5UL, c[1].SnapshotIndex);
        Assert.Null(c[1].TermAt(4));
        Assert.Equal(6UL, c.Storage[1].Log.FirstIndex);
        Assert.Equal(7UL, c.Storage[1].Log.LastIndex);
        Assert.Equal(5UL, c.Storage[1].Snapshots.Latest!.Metadata.Index);
        Assert.Equal(new ClusterConfig([1, 2, 3]), c.Storage[1].Snapshots.Latest!.Metadata.Config);
        Assert.Throws<InvalidOperationException>(() => c[2].Compact(100, []));
    }

    /// <summary>§7 InstallSnapshot: a follower that missed entries the leader compacted away receives the snapshot.</summary>
    [Fact]
    public void LaggingFollowerReceivesInstallSnapshot()
    {
        var c = new RaftHarness(3) { CompactEvery = 4 };
        c.Elect(1);
        c.Isolate(3);
        for (var i = 0; i < 10; i++)
        {
            c.Propose(1, $"e{i}");
            c.Stabilize();
        }
        Assert.True(c[1].SnapshotIndex >= 8);
        c.Heal();
        c.Tick(1, 2);
        var transcript = c.Stabilize();
        Assert.Contains($"1->3 InstallSnapshot t1 snap={c[1].SnapshotIndex}/t1", transcript);
        Assert.Equal(c[1].SnapshotIndex, c.Storage[3].Snapshots.Latest!.Metadata.Index);
        // The state machine was restored from the snapshot, then the entries after it were applied.
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes($"state@{c[1].SnapshotIndex}"), c.Applied[3][0].Data);
        c.Run(3);
        Assert.Equal(c[1].LastIndex, c[3].LastIndex);
        Assert.Equal(c[1].CommitIndex, c[3].CommitIndex);
        Assert.Equal(ProgressState.Replicate, c[1].ProgressOf(3)!.State);
    }

    /// <summary>§7: a lost InstallSnapshot is resent once the follower shows it is alive and an election timeout passed.</summary>
    [Fact]
    public void LostSnapshotIsResent()
    {
        var c = new RaftHarness(3) { CompactEvery = 4 };
        c.Elect(1);
        c.Isolate(3);
        for (var i = 0; i < 10; i++)
        {
            c.Propose(1, $"e{i}");
            c.Stabilize();
        }
        c.Heal();
        c.Drop = m => m.Kind == MessageKind.InstallSnapshot;
        c.Run(3);
        Assert.Equal(ProgressState.Snapshot, c[1].ProgressOf(3)!.State);
        c.Drop = null;
        c.Run(15);
        Assert.Equal(c[1].CommitIndex, c[3].CommitIndex);
    }

    /// <summary>§7: a restart comes back from the snapshot plus the entries stored after it.</summary>
    [Fact]
    public void RestartFromSnapshotAndLogTail()
    {
        var c = new RaftHarness(3) { CompactEvery = 3 };
        c.Elect(1);
        for (var i = 0; i < 7; i++)
        {
            c.Propose(1, $"e{i}");
        }
        c.Stabilize();
        c.Tick(1, 2);
        c.Stabilize();
        var snapshotIndex = c[2].SnapshotIndex;
        Assert.True(snapshotIndex > 0);
        c.Restart(2);
        Assert.Equal((snapshotIndex, 9UL, 9UL), (c[2].SnapshotIndex, c[2].LastIndex, c[2].CommitIndex));
        c.Process(2);
        Assert.Equal(9UL, c[2].AppliedIndex);
    }

    /// <summary>
    /// A tail kept below the snapshot (<see cref="RaftOptions.KeepBelowSnapshot"/>): in memory and in storage the entries
    /// just below it stay, a follower that fell less far behind is caught up with appends (no InstallSnapshot, its log
    /// whole from entry 1), and a restart keeps the tail.
    /// </summary>
    [Fact]
    public void ATailKeptBelowTheSnapshotCatchesALaggingFollowerUpWithEntries()
    {
        var c = new RaftHarness(3, o => o with { KeepBelowSnapshot = 7 }) { CompactEvery = 4 };
        c.Elect(1);
        c.Propose(1, "first");
        c.Stabilize();
        c.Isolate(3);
        for (var i = 0; i < 5; i++)
        {
            c.Propose(1, $"e{i}");
            c.Stabilize();
        }
        var snapshot = c[1].SnapshotIndex;
        Assert.True(snapshot >= 6, $"snapshot at {snapshot}");
        Assert.Equal(snapshot > 7 ? snapshot - 6 : 1UL, c[1].FirstIndex);
        Assert.Equal(c[1].FirstIndex, c.Storage[1].Log.FirstIndex);
        Assert.NotNull(c[1].EntryAt(snapshot));
        Assert.True(c[3].LastIndex < snapshot, "without the tail, node 3 would need the snapshot");
        c.Heal();
        c.Tick(1, 2);
        var transcript = c.Stabilize();
        Assert.DoesNotContain("InstallSnapshot", transcript);
        Assert.Equal(c[1].CommitIndex, c[3].CommitIndex);
        Assert.Equal(["first", "e0", "e1", "e2", "e3", "e4"], c.AppliedCommands(3)); // every entry applied, none skipped by a snapshot
        c.Restart(1);
        Assert.Equal((snapshot, c.Storage[1].Log.FirstIndex), (c[1].SnapshotIndex, c[1].FirstIndex));
        Assert.NotNull(c[1].EntryAt(snapshot - 1));
    }

    /// <summary>A follower further behind than the tail still gets the snapshot, and the tail never grows past its bound.</summary>
    [Fact]
    public void AFollowerFurtherBehindThanTheTailGetsTheSnapshot()
    {
        var c = new RaftHarness(3, o => o with { KeepBelowSnapshot = 2 }) { CompactEvery = 4 };
        c.Elect(1);
        c.Isolate(3);
        for (var i = 0; i < 12; i++)
        {
            c.Propose(1, $"e{i}");
            c.Stabilize();
        }
        Assert.Equal(c[1].SnapshotIndex - 1, c[1].FirstIndex);
        Assert.Equal(c[1].FirstIndex, c.Storage[1].Log.FirstIndex);
        c.Heal();
        c.Tick(1, 2);
        Assert.Contains($"1->3 InstallSnapshot t1 snap={c[1].SnapshotIndex}/t1", c.Stabilize());
        c.Run(3);
        Assert.Equal(c[1].CommitIndex, c[3].CommitIndex);
    }
}
