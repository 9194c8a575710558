using MiniMesos.Core.Raft;
using Xunit;

namespace MiniMesos.Tests.Raft;

public sealed class ReplicationTests
{
    /// <summary>§5.3 log replication: a proposal is appended, replicated, committed by a majority and applied everywhere.</summary>
    [Fact]
    public void ProposalIsReplicatedCommittedAndApplied()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        var r = c.Propose(1, "set x=1");
        Assert.Equal(new ProposeResult(ProposeStatus.Accepted, 3, 1, 1), r);
        var transcript = c.Stabilize();
        Assert.Equal(RaftHarness.Lines(
            "1->2 Append t1 prev=2/t1 commit=2 entries=[3/t1]",
            "1->3 Append t1 prev=2/t1 commit=2 entries=[3/t1]",
            "2->1 AppendResponse t1 ok 3",
            "3->1 AppendResponse t1 ok 3",
            "1->2 Append t1 prev=3/t1 commit=3 entries=[]",
            "1->3 Append t1 prev=3/t1 commit=3 entries=[]",
            "2->1 AppendResponse t1 ok 3",
            "3->1 AppendResponse t1 ok 3"), transcript);
        Assert.All([1UL, 2UL, 3UL], id => Assert.Equal(["set x=1"], c.AppliedCommands(id)));
    }

    /// <summary>§8 client interaction: only the leader takes writes; others redirect.</summary>
    [Fact]
    public void FollowerRefusesProposalAndNamesTheLeader()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        Assert.Equal(new ProposeResult(ProposeStatus.NotLeader, 0, 0, 1), c.Propose(2, "x"));
    }

    /// <summary>§5.3 / Figure 2 (persistent state): entries are persisted before the messages that acknowledge them leave (the Ready contract).</summary>
    [Fact]
    public void FollowerPersistsEntriesBeforeAcknowledging()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        c.Propose(1, "x");
        c.Drop = m => m.Kind == MessageKind.AppendResponse;
        c.Stabilize();
        Assert.Equal(3UL, c.Storage[2].Log.LastIndex);
        c.Restart(2);
        Assert.Equal(3UL, c[2].LastIndex);
    }

    /// <summary>§10.2.1 (dissertation: batching): many proposals made before the next Ready share appends, bounded by MaxEntriesPerAppend.</summary>
    [Fact]
    public void ProposalsAreBatched()
    {
        var c = new RaftHarness(3, o => o with { MaxEntriesPerAppend = 64 });
        c.Elect(1);
        for (var i = 0; i < 100; i++)
        {
            c[1].Propose([(byte)i]);
        }
        c.Process(1);
        var transcript = c.Stabilize().Split('\n');
        var appendsWithEntries = transcript.Count(l => l.StartsWith("1->2 Append", StringComparison.Ordinal) && !l.EndsWith("entries=[]", StringComparison.Ordinal));
        Assert.Equal(2, appendsWithEntries); // 64 + 36
        Assert.Equal(102UL, c[2].CommitIndex);
    }

    /// <summary>§10.2.1 (dissertation: pipelining): in the replicate state several appends are in flight at once, up to the inflight limit.</summary>
    [Fact]
    public void AppendsArePipelinedUpToTheInflightLimit()
    {
        var c = new RaftHarness(3, o => o with { MaxEntriesPerAppend = 1, MaxInflightAppends = 4 });
        c.Elect(1);
        Assert.Equal(ProgressState.Replicate, c[1].ProgressOf(2)!.State);
        c.Drop = m => m.Kind == MessageKind.AppendResponse;
        for (var i = 0; i < 10; i++)
        {
            c.Propose(1, $"e{i}");
        }
        var sent = c.Stabilize().Split('\n').Count(l => l.Contains("1->2 Append", StringComparison.Ordinal));
        // The commit-broadcast append that is already outstanding takes one slot.
        Assert.InRange(sent, 3, 4);
        Assert.Equal(4, c[1].ProgressOf(2)!.InflightCount);
        c.Drop = null;
        // The acknowledgements were lost, so the pipeline stays full; the next heartbeat answer shows the follower is
        // alive, and the leader falls back to probing from the last match instead of waiting forever.
        c.Tick(1, 2);
        c.Stabilize();
        Assert.Equal(12UL, c[2].CommitIndex);
        Assert.Equal(ProgressState.Replicate, c[1].ProgressOf(2)!.State);
    }

    /// <summary>
    /// §5.3 with fast backtracking: a follower with a long divergent suffix is repaired in a few round trips,
    /// not one per entry, because rejections carry a hint (the follower's last index / conflicting term start).
    /// </summary>
    [Fact]
    public void DivergentFollowerIsRepairedWithFewRejections()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        c.Isolate(1);
        for (var i = 0; i < 50; i++)
        {
            c.Propose(1, $"lost{i}"); // never committed: 1 is cut off
        }
        c.Stabilize();
        c.Tick(1, 20); // CheckQuorum deposes it
        c.Run(40);
        var first = c.LeaderId();
        Assert.NotEqual(1UL, first);
        for (var i = 0; i < 50; i++)
        {
            c.Propose(first, $"kept{i}");
        }
        c.Stabilize();
        // A second new leader starts probing node 1 from its own (long) log end: 53/t2 against node 1's 52/t1.
        c.Restart(first);
        c.Run(40);
        var leader = c.LeaderId();
        Assert.NotEqual(first, leader);
        Assert.NotEqual(1UL, leader);
        c.Heal();
        var rejections = 0;
        for (var i = 0; i < 10; i++)
        {
            c.TickAll();
            rejections += c.Stabilize().Split('\n').Count(l => l.StartsWith("1->", StringComparison.Ordinal) && l.Contains(" reject ", StringComparison.Ordinal));
        }
        // One rejection, whose hint (52/t1) lets the leader jump straight to index 2, where the logs agree.
        Assert.Equal(1, rejections);
        Assert.Equal(c[leader].LastIndex, c[1].LastIndex);
        Assert.Equal(c[leader].CommitIndex, c[1].CommitIndex);
        Assert.DoesNotContain(c.AppliedCommands(1), s => s.StartsWith("lost", StringComparison.Ordinal));
        Assert.Equal(50, c.AppliedCommands(1).Count(s => s.StartsWith("kept", StringComparison.Ordinal)));
    }

    /// <summary>
    /// §5.4.2 / Figure 8: a leader must not commit an entry from an earlier term just because a majority holds it;
    /// only once an entry of its own term is on a majority do both commit.
    /// </summary>
    [Fact]
    public void EntryFromPreviousTermIsNotCommittedByCountingReplicas()
    {
        // Node 1 led term 1 and appended "old" (index 3) on itself only; restarted, it wins term 2 with node 3's vote.
        var c = new RaftHarness(3, o => o with { MaxEntriesPerAppend = 1, PreVote = false, CheckQuorum = false });
        c.Elect(1);
        c.Isolate(1);
        c.Propose(1, "old");
        c.Stabilize();
        c.Heal();
        Assert.Equal(3UL, c[1].LastIndex);
        c.Restart(1);
        c.Drop = m => m.To == 2 || m.From == 2; // node 2 sits this out
        var transcript = c.Elect(1);
        Assert.Equal(RaftRole.Leader, c[1].Role);
        var term = c[1].Term;
        Assert.Equal(2UL, term);
        // The one-entry appends let us observe the moment node 3 holds "old" (3/t1) but not yet the new term's entry.
        Assert.Contains("3->1 AppendResponse t" + term + " ok 3", transcript);
        Assert.Contains("3->1 AppendResponse t" + term + " ok 4", transcript);
        var okThree = transcript.IndexOf("ok 3", StringComparison.Ordinal);
        var commitThree = transcript.IndexOf("commit=3", StringComparison.Ordinal);
        var commitFour = transcript.IndexOf("commit=4", StringComparison.Ordinal);
        Assert.True(okThree > 0 && commitFour > okThree, transcript);
        Assert.Equal(-1, commitThree); // never announced commit=3 on its own: it jumped from 2 to 4
        Assert.Equal(4UL, c[1].CommitIndex);
    }

    /// <summary>§5.1 / Figure 2: after a restart hard state and log come back from storage; the state machine is rebuilt by reapplying.</summary>
    [Fact]
    public void RestartedNodeReappliesCommittedEntries()
    {
        var c = new RaftHarness(3);
        c.Elect(1);
        c.Propose(1, "a");
        c.Propose(1, "b");
        c.Stabilize();
        c.Tick(1, 2);
        c.Stabilize();
        c.Restart(3);
        Assert.Equal((1UL, 4UL, 4UL), (c[3].Term, c[3].LastIndex, c[3].CommitIndex));
        c.Process(3);
        Assert.Equal(["a", "b"], c.AppliedCommands(3));
    }
}
