using MiniMesos.Core.Raft;
using Xunit;

namespace MiniMesos.Tests.Raft;

/// <summary>Linearizable reads with ReadIndex (Raft dissertation §6.4).</summary>
public sealed class ReadIndexTests
{
    [Fact]
    public void ReadIsReleasedAfterAQuorumConfirmsLeadership()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        c.Propose(1, "x");
        c.Stabilize();
        Assert.True(c[1].RequestRead(42).IsAccepted);
        c.Process(1);
        Assert.Empty(c.Reads[1]);
        var transcript = c.Stabilize();
        Assert.Contains("1->2 Heartbeat t1 commit=3 ctx=1", transcript);
        Assert.Contains("2->1 HeartbeatResponse t1 ctx=1", transcript);
        Assert.Equal([new ReadState(42, 3)], c.Reads[1]);
    }

    [Fact]
    public void ManyReadsShareOneRound()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        for (var id = 1UL; id <= 5; id++)
        {
            c[1].RequestRead(id);
        }
        c.Process(1);
        var transcript = c.Stabilize();
        Assert.Equal(2, transcript.Split('\n').Count(l => l.Contains("Heartbeat t1", StringComparison.Ordinal) && l.StartsWith("1->", StringComparison.Ordinal)));
        Assert.Equal([1UL, 2, 3, 4, 5], c.Reads[1].Select(r => r.RequestId));
    }

    [Fact]
    public void IsolatedLeaderNeverConfirmsARead()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        c.Isolate(1);
        c[1].RequestRead(7);
        c.Process(1);
        c.Stabilize();
        c.Tick(1, 4);
        c.Stabilize();
        Assert.Empty(c.Reads[1]);
    }

    [Fact]
    public void FollowerRefersReadsToTheLeader()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        Assert.Equal(new ProposeResult(ProposeStatus.NotLeader, 0, 0, 1), c[2].RequestRead(1));
    }

    /// <summary>§8: a new leader does not know the latest commit index until an entry of its own term commits.</summary>
    [Fact]
    public void NewLeaderWaitsForItsFirstCommitBeforeServingReads()
    {
        var c = new RaftHarness(3);
        c.ElectionTimeout(1);
        c.Drop = m => m.Kind == MessageKind.AppendResponse;
        c.Stabilize();
        Assert.Equal(RaftRole.Leader, c[1].Role);
        c[1].RequestRead(9);
        c.Process(1);
        c.Tick(1, 2);
        c.Stabilize();
        Assert.Empty(c.Reads[1]); // heartbeats were answered, but nothing of term 1 is committed yet
        c.Drop = null;
        c.Tick(1, 2);
        c.Stabilize();
        Assert.Equal([new ReadState(9, 2)], c.Reads[1]);
    }

    [Fact]
    public void SingleVoterAnswersAtOnce()
    {
        var c = new RaftHarness(1);
        c.Elect(1);
        c[1].RequestRead(3);
        c.Process(1);
        Assert.Equal([new ReadState(3, 2)], c.Reads[1]);
    }
}
