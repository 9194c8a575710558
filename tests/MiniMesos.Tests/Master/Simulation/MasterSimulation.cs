using MiniMesos.Core.Raft;
using MiniMesos.Core.State;
using MiniMesos.Net.Master;
using MiniMesos.Net.Raft;

namespace MiniMesos.Tests.Master.Simulation;

/// <summary>
/// One seeded, fake-clock run of several real <see cref="MasterService"/> state machines replicated by the pure Raft
/// nodes over an in-memory network, in-memory agents (<see cref="SimAgent"/> over <see cref="SimLink"/>), and the real
/// built-in apps framework, under faults. Single-threaded: a MasterService call runs to completion inside the call
/// (see <see cref="SimReplicatedLog"/>), and <see cref="Complete"/> fails the run if one ever does not.
/// </summary>
internal sealed partial class MasterSimulation
{
    public const long TickMs = 100;
    private const int ProposalTicks = 50;

    private readonly MasterSimOptions _o;
    private readonly Random _random;
    private readonly SimClock _clock = new();
    private readonly AgentTimeouts _timeouts;
    private readonly List<SimMaster> _masters = [];
    private readonly List<SimAgent> _agents = [];
    private readonly List<SimLink> _links = [];
    private readonly PriorityQueue<RaftMessage, (long Due, long Seq)> _raft = new();
    private readonly Dictionary<int, long> _isolatedUntil = [];
    private long _raftSeq;
    private int _nextLink;
    private ulong _nextRead;
    private bool _healed;
    private bool _sabotaged;
    private long _nextHeartbeatMs = 2000;
    private long _nextPassMs = 1000;

    public MasterSimulation(MasterSimOptions options)
    {
        _o = options;
        _random = new Random(options.Seed);
        _timeouts = new AgentTimeouts(options.Unreachable, options.Gone);
        var voters = Enumerable.Range(1, options.Masters).Select(i => (ulong)i).ToArray();
        for (var i = 1; i <= options.Masters; i++)
        {
            // Master 1 keeps a tail of entries below its snapshots (as real masters do), the others none: both catch-up paths run.
            var keep = i == 1 ? (ulong)options.SnapshotEvery / 2 : 0;
            var master = new SimMaster(i, new RaftOptions { Id = (ulong)i, InitialVoters = voters, KeepBelowSnapshot = keep });
            _masters.Add(master);
            StartMaster(master);
        }
        for (var i = 1; i <= options.Agents; i++) _agents.Add(new SimAgent($"agent{i}", new Core.Model.Resources(4, 2048, 1000)));
    }

    public MasterSimStats Stats { get; } = new();

    public long NowMs => _clock.NowMs;

    /// <summary>Runs the chaos phase, heals everything, and returns once every app converged or the quiet phase is over.</summary>
    public void Run()
    {
        var chaosEnd = _o.ChaosSeconds * 1000L;
        var end = chaosEnd + _o.QuietSeconds * 1000L;
        var nextSecond = 1000L;
        while (NowMs < end)
        {
            Step();
            // A proposal runs the cluster on (RunUntil), so time may jump past a second: due work runs once, late.
            if (NowMs < nextSecond) continue;
            nextSecond = NowMs - NowMs % 1000 + 1000;
            if (NowMs < chaosEnd) Chaos();
            else
            {
                if (!_healed) Heal();
                if (!_sabotaged && NowMs >= chaosEnd + _o.QuietSeconds * 500L) Sabotage();
                if (Stats.ConvergedAfterHealMs is null && Violations().Count == 0) Stats.ConvergedAfterHealMs = NowMs - chaosEnd;
            }
        }
        Stats.Messages = _raftSeq;
        Stats.TasksLaunched = _agents.Sum(a => a.Launched);
        if (_masters.FirstOrDefault(m => m.IsLeader) is { } leader)
        {
            Stats.AppsAtEnd = leader.Service!.Apps().Count;
            Stats.InstancesAtEnd = leader.Service.Apps().Sum(a => a.Instances);
        }
    }

    /// <summary>One 100 ms tick: Raft ticks and messages, leadership changes, the agents' connections, and once a second the leader's loops.</summary>
    private void Step()
    {
        AdvanceTick();
        while (DeliverOneRaftMessage())
        {
        }
        foreach (var master in _masters.Where(m => m.Up))
        {
            if (master.WasLeader && !master.IsLeader)
            {
                Log($"{master} stopped leading: drops its agents");
                foreach (var channel in master.Service!.ReleaseAgents()) channel.Disconnect();
            }
            if (!master.WasLeader && master.IsLeader)
            {
                Stats.LeaderChanges++;
                Log($"{master} leads (term {master.Node!.Term})");
            }
            master.WasLeader = master.IsLeader;
        }
        ServeLinks();
        ConnectAgents();
        if (NowMs >= _nextHeartbeatMs)
        {
            _nextHeartbeatMs = NowMs + 2000;
            foreach (var agent in _agents.Where(a => a.Link is not null))
            {
                agent.Link!.ToMaster(new SimMessage.Ping());
                agent.ResendUpdates();
            }
        }
        if (NowMs >= _nextPassMs)
        {
            _nextPassMs = NowMs + 1000;
            foreach (var master in _masters.Where(m => m.Up).ToList())
            {
                Guarded(() => master.Service!.MaintainAsync(CancellationToken.None));
                if (master.Up) Guarded(() => master.Apps!.ReconcileAsync(CancellationToken.None));
            }
        }
    }

    /// <summary>What the IReplicatedLog of <paramref name="master"/> does for a proposal (see <see cref="SimReplicatedLog"/>).</summary>
    public Task Propose(SimMaster master, byte[] command)
    {
        if (!master.IsLeader) return NotLeader("this master is not the leader");
        var result = master.Node!.Propose(command);
        if (!result.IsAccepted) return NotLeader($"the proposal was {result.Status}");
        master.Pending[result.Index] = result.Term;
        ProcessReady(master);
        if (!RunUntil(master, () => master.Outcomes.ContainsKey(result.Index)))
            return NotLeader("leadership changed (or the entry did not commit in time) before the change was committed");
        master.Outcomes.Remove(result.Index, out var ours);
        Stats.Commits++;
        return ours ? Task.CompletedTask : NotLeader("the change was overwritten by a new leader");
    }

    public Task ReadBarrier(SimMaster master)
    {
        if (!master.IsLeader) return NotLeader("this master is not the leader");
        var id = ++_nextRead;
        if (!master.Node!.RequestRead(id).IsAccepted) return NotLeader("the read was refused");
        ProcessReady(master);
        return RunUntil(master, () => master.ConfirmedReads.TryGetValue(id, out var index) && master.Node!.AppliedIndex >= index)
            ? Task.CompletedTask
            : NotLeader("leadership changed before the read was confirmed");
    }

    /// <summary>Runs the Raft cluster (messages, then ticks) until <paramref name="done"/> or the master stops leading.</summary>
    private bool RunUntil(SimMaster master, Func<bool> done)
    {
        for (var ticks = 0; ticks < ProposalTicks;)
        {
            if (done()) return true;
            if (!master.IsLeader) return false;
            if (DeliverOneRaftMessage()) continue;
            AdvanceTick();
            ticks++;
        }
        return done();
    }

    private void AdvanceTick()
    {
        _clock.Advance(TickMs);
        foreach (var master in _masters.Where(m => m.Up))
        {
            master.Node!.Tick();
            ProcessReady(master);
        }
    }

    private bool DeliverOneRaftMessage()
    {
        if (!_raft.TryPeek(out var message, out var due) || due.Due > NowMs) return false;
        _raft.Dequeue();
        var target = _masters[(int)message.To - 1];
        if (target.Up && !Cut(message.From, message.To))
        {
            target.Node!.Step(message);
            ProcessReady(target);
        }
        return true;
    }

    /// <summary>Persist, send, restore, apply, record outcomes and confirmed reads; compact now and then (as RaftHost does).</summary>
    private void ProcessReady(SimMaster master)
    {
        var node = master.Node!;
        var machine = (IRaftStateMachine)master.Service!;
        while (node.HasReady())
        {
            var ready = node.GetReady();
            master.Storage.Persist(ready);
            foreach (var message in ready.Messages) SendRaft(message);
            if (ready.SnapshotFromLeader && ready.Snapshot is { } snapshot)
            {
                machine.Restore(snapshot.Data);
                Stats.SnapshotsInstalled++;
            }
            foreach (var entry in ready.CommittedEntries)
            {
                if (entry.Type == EntryType.Normal && entry.Data.Length > 0)
                {
                    machine.Apply(entry.Index, entry.Data);
                    Record(master, entry.Index, entry.Data);
                }
                else Record(master, entry.Index, []);
                if (master.Pending.Remove(entry.Index, out var term)) master.Outcomes[entry.Index] = term == entry.Term;
            }
            foreach (var read in ready.ReadStates) master.ConfirmedReads[read.RequestId] = read.Index;
            node.Advance(ready);
            if (ready.CommittedEntries.Count > 0 && node.AppliedIndex - node.SnapshotIndex >= (ulong)_o.SnapshotEvery)
                node.Compact(node.AppliedIndex, machine.Snapshot());
        }
    }

    private void SendRaft(RaftMessage message)
    {
        if (!_healed && _random.NextDouble() < _o.RaftDropRate) return;
        _raft.Enqueue(message, (NowMs + _random.Next((int)TickMs), ++_raftSeq));
    }

    private bool Cut(ulong from, ulong to) => Isolated(_masters[(int)from - 1]) || Isolated(_masters[(int)to - 1]);

    /// <summary>The master's host is cut off the network: no Raft messages, no agent reaches it.</summary>
    private bool Isolated(SimMaster master) => _isolatedUntil.TryGetValue(master.Index, out var until) && until > NowMs;

    private void StartMaster(SimMaster master)
    {
        master.Start(_o.Seed, _clock, _timeouts, m => new SimReplicatedLog(this, m));
        ProcessReady(master);
    }

    /// <summary>Broken connections are reported to both ends; then due messages are delivered both ways.</summary>
    private void ServeLinks()
    {
        foreach (var link in _links.ToList())
        {
            if (link.Broken)
            {
                _links.Remove(link);
                Log($"{link} broke: {link.Reason}");
                if (link.Master.Up && link.Master.Incarnation == link.Incarnation)
                    Complete(link.Master.Service!.AgentDisconnectedAsync(link.Agent.Id, link, link.Reason!));
                if (link.Agent.Link == link)
                {
                    link.Agent.Link = null;
                    link.Agent.ReconnectAtMs = NowMs + 300 + _random.Next(1500);
                }
                continue;
            }
            while (link.TryReceiveAtAgent(out var message)) link.Agent.Receive(message);
            while (link.TryReceiveAtMaster(out var message)) AtMaster(link, message);
        }
    }

    private void AtMaster(SimLink link, SimMessage message)
    {
        var service = link.Master.Service!;
        service.Heard(link.Agent.Id);
        if (message is not SimMessage.Update update) return;
        try
        {
            Complete(service.StatusUpdateAsync(link.Agent.Id, update.TaskId, update.State, update.ExitCode, update.Signal, update.Message, CancellationToken.None));
            // Acknowledged once committed, or when it can never apply: as ClusterListener does.
            link.ToAgent(new SimMessage.Ack(update.UpdateId));
        }
        catch (NotLeaderException e)
        {
            link.Break($"status update refused: {e.Message}");
        }
    }

    /// <summary>An agent without a connection dials a master; a follower points it to the leader it knows.</summary>
    private void ConnectAgents()
    {
        foreach (var agent in _agents.Where(a => a.Link is null && NowMs >= a.OfflineUntilMs && NowMs >= a.ReconnectAtMs))
        {
            var reachable = _masters.Where(m => m.Up && !Isolated(m)).ToList();
            var dialed = reachable.Count == 0 ? null : reachable[_random.Next(reachable.Count)];
            var leader = dialed is null || dialed.IsLeader ? dialed : reachable.FirstOrDefault(m => m.Id == dialed.Node!.Leader && m.IsLeader);
            if (leader is null || !leader.IsLeader)
            {
                agent.ReconnectAtMs = NowMs + 500;
                continue;
            }
            var link = new SimLink(agent, leader, ++_nextLink, () => NowMs, () => _random.Next(300), () => !_healed && _random.NextDouble() < _o.LinkLossRate);
            _links.Add(link);
            agent.Link = link;
            try
            {
                Complete(leader.Service!.AgentConnectedAsync(agent.Record, link, CancellationToken.None, agent.Report()));
                Log($"{agent.Id} registered with {leader} ({link})");
                agent.ResendUpdates();
            }
            catch (NotLeaderException e)
            {
                link.Break($"registration refused: {e.Message}");
            }
        }
    }

    /// <summary>A leader's loop pass: a lost leadership or a broken connection fails the pass, as FrameworkLoop and MasterHost tolerate.</summary>
    private void Guarded(Func<Task> pass)
    {
        try
        {
            Complete(pass());
        }
        catch (Exception e) when (e is NotLeaderException or IOException)
        {
            Stats.FailedPasses++;
        }
    }

    /// <summary>Every MasterService call must finish inside the call: otherwise work would continue on the thread pool, out of the seed's control.</summary>
    private static void Complete(Task task)
    {
        if (!task.IsCompleted) throw new InvalidOperationException("a master call did not complete synchronously: the simulation is no longer deterministic");
        task.GetAwaiter().GetResult();
    }

    private static Task NotLeader(string why) => Task.FromException(new NotLeaderException(0, why));

    private void Log(string line) => _o.Trace?.Invoke($"{NowMs / 1000.0,8:0.0}s {line}");
}
