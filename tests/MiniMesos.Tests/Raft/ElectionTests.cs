using MiniMesos.Core.Raft;
using Xunit;

namespace MiniMesos.Tests.Raft;

public sealed class ElectionTests
{
    /// <summary>§5.2 leader election (with §9.6 PreVote on): pre-vote round, real vote round, then the new leader's empty entry.</summary>
    [Fact]
    public void FirstElectionTranscript()
    {
        var c = new RaftHarness(3);
        var transcript = c.Elect(1);
        Assert.Equal(RaftHarness.Lines(
            "1->2 PreVote t1 last=1/t0",
            "1->3 PreVote t1 last=1/t0",
            "2->1 PreVoteResponse t1 granted",
            "3->1 PreVoteResponse t1 granted",
            "1->2 Vote t1 last=1/t0",
            "1->3 Vote t1 last=1/t0",
            "2->1 VoteResponse t1 granted",
            "3->1 VoteResponse t1 granted",
            // §8: the new leader's empty entry; node 2's answer commits it, and node 2 (now replicating) hears so.
            "1->2 Append t1 prev=1/t0 commit=1 entries=[2/t1]",
            "1->3 Append t1 prev=1/t0 commit=1 entries=[2/t1]",
            "2->1 AppendResponse t1 ok 2",
            "3->1 AppendResponse t1 ok 2",
            "1->2 Append t1 prev=2/t1 commit=2 entries=[]",
            "2->1 AppendResponse t1 ok 2"), transcript);
        Assert.Equal(RaftRole.Leader, c[1].Role);
        Assert.Equal((RaftRole.Follower, 1UL, 1UL, 2UL), (c[2].Role, c[2].Term, c[2].Leader, c[2].CommitIndex));
        // Node 3 was still being probed when the commit moved; it learns the commit index from the next heartbeat.
        Assert.Equal(1UL, c[3].CommitIndex);
        c.Tick(1, 2);
        c.Stabilize();
        Assert.Equal(2UL, c[3].CommitIndex);
    }

    /// <summary>§5.2: timeouts are drawn from [election, 2*election) so nodes rarely time out together and split the vote.</summary>
    [Fact]
    public void ElectionTimeoutsAreRandomizedWithinBounds()
    {
        var timeouts = new HashSet<int>();
        for (var seed = 0; seed < 50; seed++)
        {
            var node = new RaftNode(new RaftOptions { Id = 1, InitialVoters = [1, 2, 3], ElectionTicks = 10 }, RaftStorage.InMemory(), new SeededRaftRandom(seed));
            var ticks = 0;
            while (node.Role == RaftRole.Follower)
            {
                node.Tick();
                ticks++;
            }
            Assert.InRange(ticks, 10, 19);
            timeouts.Add(ticks);
        }
        Assert.True(timeouts.Count >= 5, $"timeouts not spread: {string.Join(",", timeouts)}");
    }

    /// <summary>§5.4.1 election restriction: a voter denies a candidate whose log is less up to date than its own.</summary>
    [Fact]
    public void VoteDeniedToCandidateWithStaleLog()
    {
        var c = new RaftHarness(3, o => o with { CheckQuorum = false });
        c.Elect(1);
        c.Isolate(3);
        c.Propose(1, "x");
        c.Stabilize();
        c.Heal();
        // Node 3 missed "x" (index 3). It asks for votes with last=2/t1; node 2 holds 3/t1.
        c[2].Step(new RaftMessage(MessageKind.Vote, 3, 2, 5) { Index = 2, LogTerm = 1 });
        c.Process(2);
        c.Drop = m => m.To != 3;
        var transcript = c.Stabilize();
        Assert.Contains("2->3 VoteResponse t5 rejected", transcript);
        Assert.Equal(0UL, c[2].VotedFor);
    }

    /// <summary>§5.2: a vote is granted at most once per term (persisted before the answer leaves).</summary>
    [Fact]
    public void OneVotePerTermSurvivesRestart()
    {
        var c = new RaftHarness(3, o => o with { PreVote = false, CheckQuorum = false });
        c[1].Step(new RaftMessage(MessageKind.Vote, 2, 1, 1) { Index = 1, LogTerm = 0 });
        c.Process(1);
        Assert.Equal(new HardState(1, 2, 1), c.Storage[1].Stable.Load());
        c.Restart(1);
        c[1].Step(new RaftMessage(MessageKind.Vote, 3, 1, 1) { Index = 1, LogTerm = 0 });
        c.Process(1);
        var transcript = c.Stabilize();
        Assert.Contains("1->2 VoteResponse t1 granted", transcript);
        Assert.Contains("1->3 VoteResponse t1 rejected", transcript);
    }

    /// <summary>§9.6 PreVote: an isolated node does not inflate its term, so rejoining does not depose the leader.</summary>
    [Fact]
    public void PreVoteKeepsIsolatedNodeFromDisruptingTheLeader()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        c.Isolate(3);
        for (var i = 0; i < 10; i++)
        {
            c.Tick(3, 30);
            c.Stabilize();
        }
        Assert.Equal(1UL, c[3].Term);
        c.Heal();
        c.Run(30);
        Assert.Equal((RaftRole.Leader, 1UL), (c[1].Role, c[1].Term));
        Assert.Equal(1UL, c[3].Leader);
    }

    /// <summary>§9.6 (the problem PreVote solves): without PreVote the same isolated node comes back with a high term and forces a new election.</summary>
    [Fact]
    public void WithoutPreVoteIsolatedNodeBumpsTheTerm()
    {
        var c = new RaftHarness(3, o => o with { PreVote = false, CheckQuorum = false });
        c.Elect(1);
        c.Isolate(3);
        c.Tick(3, 100);
        c.Stabilize();
        Assert.True(c[3].Term > 3);
        c.Heal();
        c.Run(30); // 3 times out again and its vote request at the inflated term deposes the leader
        Assert.True(c[1].Term > 3);
    }

    /// <summary>Dissertation §6.2 CheckQuorum: a leader cut off from the majority steps down within an election timeout.</summary>
    [Fact]
    public void CheckQuorumDeposesAnIsolatedLeader()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        c.Isolate(1);
        c.Tick(1, 10);
        c.Stabilize();
        Assert.Equal(RaftRole.Leader, c[1].Role);
        c.Tick(1, 10);
        Assert.Equal(RaftRole.Follower, c[1].Role);
        Assert.Equal(0UL, c[1].Leader);
    }

    /// <summary>Dissertation §4.2.3 / §6.2 lease: followers that hear from a leader ignore vote requests, even at a higher term.</summary>
    [Fact]
    public void FollowerInContactWithLeaderIgnoresVotes()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        c[2].Step(new RaftMessage(MessageKind.Vote, 3, 2, 9) { Index = 100, LogTerm = 9 });
        c.Process(2);
        Assert.Equal((1UL, 1UL), (c[2].Term, c[2].VotedFor));
        Assert.Equal("", c.Stabilize());
    }

    /// <summary>A stale leader hearing a higher term from a follower steps down (§5.1).</summary>
    [Fact]
    public void StaleLeaderStepsDownOnHigherTerm()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        c.Isolate(1);
        c.Tick(1, 5); // not yet noticing: CheckQuorum needs a full election timeout
        c.Run(40);
        var newLeader = c.LeaderId();
        Assert.NotEqual(1UL, newLeader);
        Assert.NotEqual(0UL, newLeader);
        c.Heal();
        c.Run(3);
        Assert.Equal(RaftRole.Follower, c[1].Role);
        Assert.Equal((c[newLeader].Term, newLeader), (c[1].Term, c[1].Leader));
    }
}
