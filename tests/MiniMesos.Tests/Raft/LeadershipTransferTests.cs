using MiniMesos.Core.Raft;
using Xunit;

namespace MiniMesos.Tests.Raft;

/// <summary>Leadership transfer (Raft dissertation §3.10) through TimeoutNow.</summary>
public sealed class LeadershipTransferTests
{
    [Fact]
    public void UpToDateTargetIsToldToCampaignAtOnce()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        c[1].TransferLeadership(2);
        c.Process(1);
        var transcript = c.Stabilize();
        Assert.StartsWith(RaftHarness.Lines(
            "1->2 TimeoutNow t1",
            "2->1 Vote t2 last=2/t1 transfer",
            "2->3 Vote t2 last=2/t1 transfer"), transcript);
        Assert.Equal((RaftRole.Leader, 2UL), (c[2].Role, c[2].Term));
        Assert.Equal((RaftRole.Follower, 2UL), (c[1].Role, c[1].Leader));
    }

    [Fact]
    public void LaggingTargetIsCaughtUpFirstAndProposalsWait()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        c.Isolate(3);
        c.Propose(1, "a");
        c.Stabilize();
        c.Heal();
        c[1].TransferLeadership(3);
        c.Process(1);
        Assert.Equal(ProposeStatus.Dropped, c.Propose(1, "b").Status);
        var transcript = c.Stabilize();
        var catchUp = transcript.IndexOf("1->3 Append", StringComparison.Ordinal);
        var timeoutNow = transcript.IndexOf("1->3 TimeoutNow", StringComparison.Ordinal);
        Assert.True(catchUp >= 0 && timeoutNow > catchUp, transcript);
        Assert.Equal(RaftRole.Leader, c[3].Role);
        Assert.Equal(["a"], c.AppliedCommands(3));
    }

    [Fact]
    public void TransferToUnreachableTargetIsAbandoned()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        c.Isolate(3);
        c[1].TransferLeadership(3);
        c.Process(1);
        c.Stabilize();
        Assert.Equal(3UL, c[1].LeadTransferee);
        Assert.Equal(ProposeStatus.Dropped, c.Propose(1, "x").Status);
        for (var i = 0; i < 11; i++)
        {
            c.Tick(1);
            c.Tick(2);
            c.Stabilize();
        }
        Assert.Equal(0UL, c[1].LeadTransferee);
        Assert.Equal(RaftRole.Leader, c[1].Role);
        Assert.True(c.Propose(1, "y").IsAccepted);
    }
}
