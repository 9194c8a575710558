using MiniMesos.Core.Raft;

namespace MiniMesos.Tests.Raft.Simulation;

/// <summary>
/// One deterministic run of a whole cluster in one process: seeded faults (drops, delays, duplicates, partitions
/// incl. one-way cuts, crashes and restarts from persisted storage, leadership transfers, membership changes), clients
/// writing unique values and reading through ReadIndex, and Raft's safety properties checked as it goes. Throws
/// <see cref="InvariantViolationException"/> on the first violation.
/// </summary>
internal sealed partial class ClusterSimulation
{
    private readonly SimOptions _o;
    private readonly Random _random;
    private readonly SimNetwork _net;
    private readonly List<SimNode> _nodes = [];
    private readonly List<SimClient> _clients = [];
    private readonly List<Operation> _history = [];
    private readonly Dictionary<ulong, (int Key, ulong Value, long At)> _readResults = [];
    private readonly Dictionary<ulong, int> _readKeys = [];
    private readonly List<(int Client, int Seq, ulong Index)> _ackedWrites = [];
    private long _clock;
    private long _tick;
    private ulong _nextReadId;

    public ClusterSimulation(SimOptions options)
    {
        _o = options;
        _random = new Random(options.Seed);
        _net = new SimNetwork(_random, options);
        var founders = options.Membership ? Math.Min(3, options.Nodes) : options.Nodes;
        for (var i = 1; i <= options.Nodes; i++)
        {
            var raftOptions = new RaftOptions
            {
                Id = (ulong)i,
                InitialVoters = i <= founders ? Enumerable.Range(1, founders).Select(v => (ulong)v).ToArray() : [],
                MaxEntriesPerAppend = options.MaxEntriesPerAppend,
                KeepBelowSnapshot = options.KeepBelowSnapshot,
            };
            var breaks = new RaftRuleBreaks
            {
                SkipElectionRestriction = options.BreakElectionRestriction,
                UnsafeReads = options.BreakReads,
                CommitByCountingOldTerms = options.BreakCommitRule,
            };
            var node = new SimNode((ulong)i, raftOptions, breaks);
            node.Start(options.Seed);
            _nodes.Add(node);
        }
        for (var c = 1; c <= options.Clients; c++)
        {
            _clients.Add(new SimClient(c));
        }
    }

    public SimStats Stats { get; } = new();

    public IReadOnlyList<Operation> History => _history;

    public void Run()
    {
        var end = _o.Ticks + _o.QuietTicks;
        for (_tick = 0; _tick < end; _tick++)
        {
            if (_tick < _o.Ticks)
            {
                InjectFaults();
            }
            else if (_tick == _o.Ticks)
            {
                _net.Heal();
                _net.Healthy = true;
                foreach (var n in _nodes.Where(n => !n.Up))
                {
                    n.Start(_o.Seed);
                }
            }
            foreach (var n in _nodes.Where(n => n.Up))
            {
                n.Raft!.Tick();
                Pump(n);
            }
            while (_net.TryReceive(_tick, out var m))
            {
                var target = _nodes[(int)m.To - 1];
                _o.Trace?.Invoke($"{_tick}: {m}{(target.Up ? "" : " (down)")}");
                if (target.Up)
                {
                    target.Raft!.Step(m);
                    Pump(target);
                }
            }
            foreach (var c in _clients)
            {
                ActClient(c);
            }
            if (_tick % 10 == 0)
            {
                CheckLogMatching();
            }
        }
        CheckLogMatching();
        if (_o.CheckLiveness)
        {
            CheckLiveness();
        }
        FinishHistory();
        CheckExactlyOnce();
        if (LinearizabilityChecker.CheckKeyValue(_history) is { } failure)
        {
            throw new InvariantViolationException("history is not linearizable: " + failure);
        }
        Stats.Messages = _net.Delivered;
    }

    private void InjectFaults()
    {
        var ids = _nodes.Select(n => n.Id).ToList();
        var r = _random.NextDouble();
        if (r < _o.PartitionRate)
        {
            var side = ids.Where(_ => _random.Next(2) == 0).ToList();
            _net.Partition(side, ids);
            _o.Trace?.Invoke($"{_tick}: partition {{{string.Join(",", side)}}}");
        }
        else if (r < _o.PartitionRate * 1.5)
        {
            var (from, to) = (ids[_random.Next(ids.Count)], ids[_random.Next(ids.Count)]);
            _net.CutOneWay(from, to);
            _o.Trace?.Invoke($"{_tick}: cut {from}->{to}");
        }
        else if (r < _o.PartitionRate * 2.5)
        {
            _net.Heal();
            _o.Trace?.Invoke($"{_tick}: heal");
        }
        var down = _nodes.Where(n => !n.Up).ToList();
        if (_random.NextDouble() < _o.CrashRate)
        {
            var up = _nodes.Where(n => n.Up).ToList();
            if (up.Count > 0)
            {
                var victim = up[_random.Next(up.Count)];
                victim.Crash();
                _o.Trace?.Invoke($"{_tick}: crash {victim.Id}");
                Stats.Crashes++;
            }
        }
        if (_random.NextDouble() < _o.LeaderCrashRate && CurrentLeader() is { } doomed)
        {
            doomed.Crash();
            Stats.Crashes++;
            _o.Trace?.Invoke($"{_tick}: crash leader {doomed.Id}");
        }
        foreach (var n in down)
        {
            if (_random.NextDouble() < 0.1)
            {
                _o.Trace?.Invoke($"{_tick}: restart {n.Id}");
                n.Start(_o.Seed);
            }
        }
        if (_random.NextDouble() < _o.TransferRate && CurrentLeader() is { } leader)
        {
            var voters = leader.Raft!.Config.Voters;
            leader.Raft.TransferLeadership(voters[_random.Next(voters.Count)]);
            Pump(leader);
        }
        if (_o.Membership && _random.NextDouble() < 0.03 && CurrentLeader() is { } l)
        {
            ChangeMembership(l);
        }
    }

    private void ChangeMembership(SimNode leader)
    {
        var voters = leader.Raft!.Config.Voters;
        var others = _nodes.Select(n => n.Id).Where(id => !voters.Contains(id)).ToList();
        ConfigChange change = others.Count > 0 && (voters.Count <= 2 || _random.Next(2) == 0)
            ? new ConfigChange(ConfigChangeKind.AddVoter, others[_random.Next(others.Count)])
            : new ConfigChange(ConfigChangeKind.RemoveVoter, voters[_random.Next(voters.Count)]);
        if (leader.Raft.ProposeConfigChange(change).IsAccepted)
        {
            _o.Trace?.Invoke($"{_tick}: leader {leader.Id} proposes {change}");
            Stats.ConfigChanges++;
        }
        Pump(leader);
    }

    private SimNode? CurrentLeader()
    {
        SimNode? best = null;
        foreach (var n in _nodes)
        {
            if (n.Up && n.Raft!.Role == RaftRole.Leader && (best is null || n.Raft.Term > best.Raft!.Term))
            {
                best = n;
            }
        }
        return best;
    }

    /// <summary>Process every Ready of node the way a real host must: persist, send, restore, apply, serve reads.</summary>
    private void Pump(SimNode node)
    {
        var raft = node.Raft!;
        while (raft.HasReady())
        {
            var ready = raft.GetReady();
            node.Storage.Persist(_o.BreakHardStatePersistence ? ready with { HardState = null } : ready);
            foreach (var m in ready.Messages)
            {
                _net.Send(m, _tick);
            }
            if (ready.SnapshotFromLeader && ready.Snapshot is { } snapshot)
            {
                node.Machine = KvStateMachine.Restore(snapshot.Data);
                Stats.SnapshotsInstalled++;
                if (node.Machine.AppliedIndex != snapshot.Metadata.Index)
                {
                    throw new InvariantViolationException($"snapshot at {snapshot.Metadata.Index} holds state applied through {node.Machine.AppliedIndex}");
                }
            }
            foreach (var e in ready.CommittedEntries)
            {
                CheckApplied(node, e);
                node.Machine.Apply(e);
            }
            node.ReadsAwaitingApply.AddRange(ready.ReadStates);
            raft.Advance(ready);
            ServeReads(node);
            if (node.Machine.AppliedIndex >= raft.SnapshotIndex + (ulong)_o.SnapshotEvery)
            {
                raft.Compact(node.Machine.AppliedIndex, node.Machine.Serialize());
            }
            ObserveNode(node);
        }
    }

    private void ServeReads(SimNode node)
    {
        var reads = node.ReadsAwaitingApply;
        for (var i = reads.Count - 1; i >= 0; i--)
        {
            if (reads[i].Index <= node.Machine.AppliedIndex)
            {
                var id = reads[i].RequestId;
                var key = _readKeys[id];
                _readResults[id] = (key, node.Machine.Get(key), ++_clock);
                reads.RemoveAt(i);
            }
        }
    }
}
