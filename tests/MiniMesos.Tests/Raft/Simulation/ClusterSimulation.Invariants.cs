using MiniMesos.Core.Raft;

namespace MiniMesos.Tests.Raft.Simulation;

internal sealed partial class ClusterSimulation
{
    /// <summary>Election safety: at most one leader per term (§5.2).</summary>
    private readonly Dictionary<ulong, ulong> _leaderOfTerm = [];

    /// <summary>Every entry any node has reported committed: index to term. Must never change (and is what leaders must hold).</summary>
    private readonly Dictionary<ulong, ulong> _committed = [];

    /// <summary>State machine safety: what was applied at each index, by whoever applied it first.</summary>
    private readonly Dictionary<ulong, (ulong Term, EntryType Type, byte[] Data)> _applied = [];

    /// <summary>Who each node voted for in each term: a second, different vote means the vote was not persisted.</summary>
    private readonly Dictionary<(ulong Node, ulong Term), ulong> _votes = [];

    private void ObserveNode(SimNode node)
    {
        var raft = node.Raft!;
        if (raft.Term < node.HighestTerm)
        {
            throw new InvariantViolationException($"node {node.Id} went back from term {node.HighestTerm} to {raft.Term}: term not persisted");
        }
        node.HighestTerm = raft.Term;
        if (raft.VotedFor != 0)
        {
            if (_votes.TryGetValue((node.Id, raft.Term), out var earlier) && earlier != raft.VotedFor)
            {
                throw new InvariantViolationException($"node {node.Id} voted for {earlier} and {raft.VotedFor} in term {raft.Term}");
            }
            _votes[(node.Id, raft.Term)] = raft.VotedFor;
        }
        if (raft.Role == RaftRole.Leader)
        {
            if (_leaderOfTerm.TryGetValue(raft.Term, out var leader))
            {
                if (leader != node.Id)
                {
                    throw new InvariantViolationException($"election safety: {leader} and {node.Id} both lead term {raft.Term}");
                }
            }
            else
            {
                _leaderOfTerm[raft.Term] = node.Id;
                Stats.Elections++;
                CheckLeaderCompleteness(node);
            }
        }
        for (var i = Math.Max(node.CommitSeen, raft.SnapshotIndex) + 1; i <= raft.CommitIndex; i++)
        {
            var term = raft.TermAt(i)!.Value;
            if (_committed.TryGetValue(i, out var known))
            {
                if (known != term)
                {
                    throw new InvariantViolationException($"node {node.Id} committed {i}/t{term} but {i}/t{known} was committed before");
                }
            }
            else
            {
                _committed[i] = term;
            }
        }
        node.CommitSeen = Math.Max(node.CommitSeen, raft.CommitIndex);
    }

    /// <summary>Leader completeness (§5.4): a new leader's log holds every entry committed so far.</summary>
    private void CheckLeaderCompleteness(SimNode node)
    {
        var raft = node.Raft!;
        foreach (var (index, term) in _committed)
        {
            if (index < raft.FirstIndex)
            {
                continue; // compacted into its snapshot, hence committed and identical
            }
            if (raft.TermAt(index) != term)
            {
                throw new InvariantViolationException(
                    $"leader completeness: {node.Id} leads term {raft.Term} without committed entry {index}/t{term} (has t{raft.TermAt(index)?.ToString() ?? "none"})");
            }
        }
    }

    /// <summary>State machine safety (§5.4.3): no two nodes apply different entries at one index.</summary>
    private void CheckApplied(SimNode node, LogEntry e)
    {
        if (_applied.TryGetValue(e.Index, out var first))
        {
            if (first.Term != e.Term || first.Type != e.Type || !first.Data.AsSpan().SequenceEqual(e.Data))
            {
                throw new InvariantViolationException($"state machine safety: node {node.Id} applied {e.Index}/t{e.Term}, another node applied {e.Index}/t{first.Term}");
            }
        }
        else
        {
            _applied[e.Index] = (e.Term, e.Type, e.Data);
        }
    }

    /// <summary>Log matching (§5.3): if two logs hold an entry with the same index and term, they agree up to it.</summary>
    private void CheckLogMatching()
    {
        var up = _nodes.Where(n => n.Up).ToList();
        for (var a = 0; a < up.Count; a++)
        {
            for (var b = a + 1; b < up.Count; b++)
            {
                var x = up[a].Raft!;
                var y = up[b].Raft!;
                var low = Math.Max(x.FirstIndex, y.FirstIndex);
                var matched = false;
                for (var i = Math.Min(x.LastIndex, y.LastIndex); i >= low; i--)
                {
                    var ex = x.EntryAt(i)!;
                    var ey = y.EntryAt(i)!;
                    if (ex.Term == ey.Term)
                    {
                        matched = true;
                        if (ex.Type != ey.Type || !ex.Data.AsSpan().SequenceEqual(ey.Data))
                        {
                            throw new InvariantViolationException($"log matching: {x.Id} and {y.Id} hold different entries {i}/t{ex.Term}");
                        }
                    }
                    else if (matched)
                    {
                        throw new InvariantViolationException($"log matching: {x.Id} and {y.Id} agree at a later index but differ at {i}");
                    }
                }
            }
        }
    }

    /// <summary>Every acknowledged write took effect exactly once, at or before its index, on every node that applied that far.</summary>
    private void CheckExactlyOnce()
    {
        foreach (var (client, seq, index) in _ackedWrites)
        {
            foreach (var n in _nodes.Where(n => n.Up && n.Machine.AppliedIndex >= index))
            {
                var at = n.Machine.EffectiveIndex(client, seq);
                if (at is null || at > index)
                {
                    throw new InvariantViolationException($"acknowledged write c{client}#{seq} (index {index}) is missing on node {n.Id}");
                }
            }
        }
    }

    /// <summary>
    /// After the quiet, healthy end of the run: a leader exists, every voter has caught up with its commit index, and
    /// no client write is still waiting. Catches protocol wedges that safety checks cannot see.
    /// </summary>
    private void CheckLiveness()
    {
        var leader = CurrentLeader() ?? throw new InvariantViolationException("liveness: no leader at the end of the healthy period: " + DescribeNodes());
        var raft = leader.Raft!;
        foreach (var voter in raft.Config.Voters)
        {
            var n = _nodes[(int)voter - 1];
            if (!n.Up || n.Raft!.CommitIndex < raft.CommitIndex)
            {
                throw new InvariantViolationException($"liveness: voter {voter} did not catch up with leader {leader.Id}: {n.Raft?.ToString() ?? "down"} vs {raft}");
            }
        }
        if (_clients.FirstOrDefault(c => c.Current is { IsWrite: true }) is { } stuck)
        {
            throw new InvariantViolationException($"liveness: client {stuck.Id} write seq {stuck.Current!.Seq} never completed");
        }
    }

    private string DescribeNodes() => string.Join(" | ", _nodes.Select(n => n.Raft is { } r ? $"{r} lead={r.Leader} cfg={r.Config}" : $"{n.Id} down"));
}
