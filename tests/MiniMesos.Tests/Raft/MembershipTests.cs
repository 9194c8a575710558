using MiniMesos.Core.Raft;
using Xunit;

namespace MiniMesos.Tests.Raft;

/// <summary>§6 / dissertation §4.1: single-server membership changes; a configuration takes effect when appended.</summary>
public sealed class MembershipTests
{
    [Fact]
    public void JoiningNodeLearnsTheLogAndBecomesAVoter()
    {
        var c = new RaftHarness(3, extraNodes: 1);
        Assert.Equal(ClusterConfig.None, c[4].Config);
        c.Elect(1);
        c.Propose(1, "before");
        c.Stabilize();
        var r = c[1].ProposeConfigChange(new ConfigChange(ConfigChangeKind.AddVoter, 4));
        Assert.True(r.IsAccepted);
        // In force on the leader as soon as appended, before it commits.
        Assert.Equal(new ClusterConfig([1, 2, 3, 4]), c[1].Config);
        c.Process(1);
        c.Stabilize();
        c.Run(2);
        Assert.Equal(new ClusterConfig([1, 2, 3, 4]), c[4].Config);
        Assert.Equal(c[1].CommitIndex, c[4].CommitIndex);
        Assert.Equal(["before"], c.AppliedCommands(4));
        // Four voters: a quorum is three, so with two nodes down nothing commits.
        c.Isolate(3);
        c.Isolate(4);
        c.Propose(1, "needs three");
        c.Stabilize();
        Assert.Equal(r.Index, c[1].CommitIndex);
    }

    [Fact]
    public void OnlyOneChangeAtATime()
    {
        var c = new RaftHarness(3, extraNodes: 2);
        c.Elect(1);
        c.Isolate(2);
        c.Isolate(3);
        Assert.True(c[1].ProposeConfigChange(new ConfigChange(ConfigChangeKind.AddVoter, 4)).IsAccepted);
        Assert.Equal(ProposeStatus.Dropped, c[1].ProposeConfigChange(new ConfigChange(ConfigChangeKind.AddVoter, 5)).Status);
        c.Heal();
        c.Process(1);
        c.Stabilize();
        Assert.True(c[1].ProposeConfigChange(new ConfigChange(ConfigChangeKind.AddVoter, 5)).IsAccepted);
        Assert.Equal(ProposeStatus.NotLeader, c[2].ProposeConfigChange(new ConfigChange(ConfigChangeKind.RemoveVoter, 1)).Status);
    }

    [Fact]
    public void NewLeaderMustCommitInItsTermBeforeChangingMembership()
    {
        var c = new RaftHarness(3, extraNodes: 1);
        c.ElectionTimeout(1);
        c.Drop = m => m.Kind == MessageKind.AppendResponse;
        c.Stabilize();
        Assert.Equal(RaftRole.Leader, c[1].Role);
        Assert.Equal(ProposeStatus.Dropped, c[1].ProposeConfigChange(new ConfigChange(ConfigChangeKind.AddVoter, 4)).Status);
    }

    [Fact]
    public void RemovedFollowerNoLongerCountsTowardsQuorum()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        c[1].ProposeConfigChange(new ConfigChange(ConfigChangeKind.RemoveVoter, 3));
        Assert.NotNull(c[1].ProgressOf(3)); // still replicated to (but not counted) until the removal commits...
        c.Process(1);
        c.Stabilize();
        Assert.Equal(new ClusterConfig([1, 2]), c[2].Config);
        Assert.Equal(new ClusterConfig([1, 2]), c[3].Config); // ...so node 3 learns it was removed
        Assert.Null(c[1].ProgressOf(3));
        c.Isolate(3);
        c.Propose(1, "two of two");
        c.Stabilize();
        Assert.Equal(["two of two"], c.AppliedCommands(2));
        // Not a voter in its own configuration, node 3 never campaigns.
        c.Tick(3, 100);
        Assert.Equal((RaftRole.Follower, 1UL), (c[3].Role, c[3].Term));
    }

    /// <summary>A removed node that missed its removal keeps asking for pre-votes; PreVote and the lease make it harmless.</summary>
    [Fact]
    public void RemovedNodeThatMissedItsRemovalCannotDisrupt()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        c.Isolate(3);
        c[1].ProposeConfigChange(new ConfigChange(ConfigChangeKind.RemoveVoter, 3));
        c.Process(1);
        c.Stabilize();
        Assert.Equal(new ClusterConfig([1, 2, 3]), c[3].Config);
        c.Tick(3, 100);
        c.Stabilize();
        Assert.Equal(1UL, c[3].Term);
        c.Heal();
        c.Run(30);
        Assert.Equal((RaftRole.Leader, 1UL), (c[1].Role, c[1].Term));
    }

    [Fact]
    public void RemovedLeaderStepsDownOnceTheChangeCommits()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        var r = c[1].ProposeConfigChange(new ConfigChange(ConfigChangeKind.RemoveVoter, 1));
        Assert.True(r.IsAccepted);
        Assert.Equal(RaftRole.Leader, c[1].Role); // it still manages the cluster until the change commits
        c.Process(1);
        c.Stabilize();
        Assert.Equal(RaftRole.Follower, c[1].Role);
        Assert.True(c[1].CommitIndex >= r.Index);
        c.Run(40);
        var leader = c.LeaderId();
        Assert.Contains(leader, new[] { 2UL, 3UL });
        c.Propose(leader, "after");
        c.Stabilize();
        Assert.Equal(["after"], c.AppliedCommands(leader == 2 ? 3UL : 2UL));
    }

    /// <summary>An uncommitted configuration that is overwritten by a new leader is rolled back on the follower.</summary>
    [Fact]
    public void OverwrittenConfigEntryIsRolledBack()
    {
        var c = new RaftHarness(3, extraNodes: 1);
        c.Elect(1);
        c.Isolate(1);
        c[1].ProposeConfigChange(new ConfigChange(ConfigChangeKind.AddVoter, 4));
        c.Process(1);
        Assert.Equal(new ClusterConfig([1, 2, 3, 4]), c[1].Config);
        c.Stabilize();
        c.Tick(1, 20);
        c.Run(40);
        var leader = c.LeaderId();
        Assert.NotEqual(1UL, leader);
        c.Propose(leader, "x");
        c.Stabilize();
        c.Heal();
        c.Run(3);
        Assert.Equal(new ClusterConfig([1, 2, 3]), c[1].Config);
        Assert.Equal(c[leader].LastIndex, c[1].LastIndex);
    }

    [Fact]
    public void ConfigEncodingRoundTrips()
    {
        var config = new ClusterConfig([3, 1, 2, 3]);
        Assert.Equal([1UL, 2, 3], config.Voters);
        Assert.Equal(config, ClusterConfig.Decode(config.Encode()));
        Assert.Equal(2, config.Quorum);
        Assert.Equal(3, config.With(new ConfigChange(ConfigChangeKind.AddVoter, 9)).Quorum);
        Assert.Throws<FormatException>(() => ClusterConfig.Decode(new byte[7]));
        Assert.Throws<ArgumentException>(() => new ClusterConfig([0]));
    }
}
