using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Net.Raft;

namespace MiniMesos.Tests.Master.Simulation;

/// <summary>The chaos phase: deployments through the leader, and faults (some scripted so every run has each kind, the rest random).</summary>
internal sealed partial class MasterSimulation
{
    private static readonly string[] AppIds = ["/web", "/api", "/batch"];
    private static readonly UpgradeStrategy[] Strategies = [new(1, 1), new(0.5, 0.5), new(0, 0)];

    /// <summary>App id -> every deployment of it in order: the spec it set (null: removed) and whether it was acknowledged.</summary>
    private readonly Dictionary<string, List<(AppSpec? Spec, bool Acknowledged)>> _deployments = new(StringComparer.Ordinal);
    private readonly Dictionary<int, long> _restartAt = [];
    private long _crashLeaderAtMs = -1;
    private bool _crashAsAgentReturns;
    private long _crashScheduledAtMs;
    private int _deploySeq;
    private bool _fixedAppsDeployed;
    private List<(int AtSecond, Action Action)>? _script;

    private List<(int AtSecond, Action Action)> Script() =>
    [
        (10, () => CutAgent(_agents[0], 3_000)),
        (15, DeployAndCrashLeader),
        (_o.ChaosSeconds / 3, () => CutAgent(_agents[1], (long)_o.Unreachable.TotalMilliseconds + 7_000)),
        (_o.ChaosSeconds / 3 + 5, () => CutAgent(_agents[2], (long)_o.Gone.TotalMilliseconds + 8_000)),
        (2 * _o.ChaosSeconds / 3, DeployAndCrashLeader),
        // The heal comes in the middle of things: a deployment rolling, the leader just crashed, an agent away.
        (_o.ChaosSeconds - 8, () => CutAgent(_agents[0], (long)_o.Unreachable.TotalMilliseconds + 10_000)),
        (_o.ChaosSeconds - 3, DeployAndCrashLeader),
        // Partitions around the unreachable timeout, with the UNIQUE apps of DeployFixedApps in place: two agents cut and
        // back in one order, then in the other; a cut past the timeout with the leader crashing as the agent returns;
        // agents restarting (tasks kept) within and past the timeout. These always happen: an agent that a random fault
        // has already cut off gets the scripted one instead, and the run asserts each kind happened.
        (18, () => CutTwo(_agents[0], (long)_o.Unreachable.TotalMilliseconds + 4_000, _agents[^1], (long)_o.Unreachable.TotalMilliseconds + 7_000)),
        (48, () => CutTwo(_agents[0], (long)_o.Unreachable.TotalMilliseconds + 7_000, _agents[^1], (long)_o.Unreachable.TotalMilliseconds + 3_000)),
        (62, CutAndCrashLeaderAsItReturns),
        (70, () => RestartAgent(_agents[0], 1_500)),
        (75, () => RestartAgent(_agents[1], (long)_o.Unreachable.TotalMilliseconds + 2_000)),
    ];

    /// <summary>
    /// Apps that stay for the whole run, with <c>["hostname", "UNIQUE"]</c>: /pinned needs every agent (a cut agent's
    /// instance has no free host to go to, so only its own return brings it back), /spread one agent fewer (a replacement
    /// finds a host, and the returning instance is then one too many). Short unreachable strategies, so the cuts of the
    /// script make their instances inactive and expunged.
    /// </summary>
    private bool DeployFixedApps()
    {
        var leader = _masters.FirstOrDefault(m => m.IsLeader && !Isolated(m));
        if (leader is null) return false;
        AppSpec[] apps =
        [
            new("/pinned", Cmd: "serve --pinned", Cpus: 0.25, Mem: 32, Instances: _o.Agents, Constraints: [["hostname", "UNIQUE"]], BackoffSeconds: 0.5,
                MaxLaunchDelaySeconds: 5, Version: "p0001", UnreachableStrategy: new UnreachableStrategy(1, 3600)),
            new("/spread", Cmd: "serve --spread", Cpus: 0.25, Mem: 32, Instances: _o.Agents - 1, Constraints: [["hostname", "UNIQUE"]], BackoffSeconds: 0.5,
                MaxLaunchDelaySeconds: 5, Version: "s0001", UnreachableStrategy: new UnreachableStrategy(2, 25), KillSelection: KillSelection.OldestFirst),
        ];
        foreach (var app in apps)
        {
            var acknowledged = true;
            try
            {
                Complete(leader.Service!.PutAppAsync(app, CancellationToken.None));
            }
            catch (NotLeaderException)
            {
                acknowledged = false;
            }
            _deployments[app.Id] = [(app, acknowledged)];
            if (!acknowledged) return false;
        }
        Log("deployed /pinned and /spread");
        return true;
    }

    private void CutTwo(SimAgent first, long firstMs, SimAgent second, long secondMs)
    {
        if (firstMs < secondMs) Stats.TwoAgentCutsFirstBackFirst++;
        else Stats.TwoAgentCutsSecondBackFirst++;
        CutAgent(first, firstMs, scripted: true);
        CutAgent(second, secondMs, scripted: true);
    }

    private void CutAndCrashLeaderAsItReturns()
    {
        var ms = (long)_o.Unreachable.TotalMilliseconds + 6_000;
        CutAgent(_agents[1], ms, scripted: true);
        _crashLeaderAtMs = _crashScheduledAtMs = NowMs + ms + 200;
        _crashAsAgentReturns = true;
    }

    /// <summary>The agent's process is killed and restarts after <paramref name="ms"/>: its tasks keep running (it recovers them), its connection breaks.</summary>
    private void RestartAgent(SimAgent agent, long ms)
    {
        Log($"{agent.Id} restarts ({ms} ms)");
        if (ms < _o.Unreachable.TotalMilliseconds) Stats.AgentRestartsWithinUnreachable++;
        else Stats.AgentRestartsPastUnreachable++;
        agent.OfflineUntilMs = NowMs + ms;
        agent.Link?.Break($"{agent.Id} restarted");
    }

    private void DeployAndCrashLeader()
    {
        Deploy(newVersion: true);
        _crashLeaderAtMs = NowMs + 1000 + _random.Next(3) * 500;
        _crashAsAgentReturns = false;
    }

    /// <summary>Once a simulated second of the chaos phase. The first three agents get the scripted cuts, the last one random ones.</summary>
    private void Chaos()
    {
        var second = (int)(NowMs / 1000);
        // Scripted, so every run has them: an agent back within the unreachable timeout, one beyond it, one beyond the
        // gone timeout, and rolling deployments with the leader crashing while they roll.
        _script ??= Script();
        if (!_fixedAppsDeployed && second >= 2) Stats.FixedAppsDeployed = _fixedAppsDeployed = DeployFixedApps();
        foreach (var step in _script.Where(s => s.AtSecond <= second).ToList())
        {
            _script.Remove(step);
            step.Action();
        }
        if (_crashLeaderAtMs >= 0 && NowMs >= _crashLeaderAtMs)
        {
            var crashed = CrashLeader();
            // The crash as the agent returns waits (up to 5 s) for a leader when an election is under way.
            var retry = !crashed && _crashAsAgentReturns && NowMs < _crashScheduledAtMs + 5_000;
            if (!retry) _crashLeaderAtMs = -1;
        }
        if (second > 5 && _random.Next(_o.DeploySeconds) == 0) Deploy(newVersion: _random.Next(3) > 0);
        if (_random.NextDouble() < _o.LeaderCrashPerSecond) CrashLeader();
        if (_random.NextDouble() < _o.MasterIsolationPerSecond) Isolate(_masters[_random.Next(_masters.Count)], 2_000 + _random.Next(6) * 1000);
        if (_random.NextDouble() < _o.AgentCutPerSecond)
            CutAgent(_agents[^1], _random.Next(3) switch { 0 => 2_000, 1 => 9_000, _ => 36_000 } + _random.Next(2000));
        if (_random.NextDouble() < _o.AgentRebootPerSecond)
        {
            var rebooted = _agents[_random.Next(_agents.Count)];
            Log($"{rebooted.Id} reboots");
            Stats.AgentReboots++;
            rebooted.Reboot();
            rebooted.OfflineUntilMs = Math.Max(rebooted.OfflineUntilMs, NowMs + 2_000);
        }
        foreach (var agent in _agents)
        {
            foreach (var task in agent.Running.ToList())
            {
                if (_random.NextDouble() >= _o.InstanceCrashPerSecond) continue;
                Log($"{agent.Id}: {task} crashes");
                agent.Crash(task);
                Stats.InstanceCrashes++;
            }
        }
        foreach (var (index, at) in _restartAt.Where(r => r.Value <= NowMs).ToList())
        {
            _restartAt.Remove(index);
            Log($"{_masters[index - 1]} restarts");
            StartMaster(_masters[index - 1]);
        }
    }

    /// <summary>The quiet phase starts: every master up and reachable, every agent's network back, no more losses.</summary>
    private void Heal()
    {
        _healed = true;
        _isolatedUntil.Clear();
        foreach (var agent in _agents) agent.OfflineUntilMs = 0;
        foreach (var master in _masters.Where(m => !m.Up)) StartMaster(master);
        _restartAt.Clear();
        Log("healed");
    }

    /// <summary>A client deploys through the leader: a new version (rolling), a scale (same version), or a removal.</summary>
    private void Deploy(bool newVersion)
    {
        // A client on the isolated side may still reach a deposed leader that does not know it yet: its change never commits.
        var leader = _masters.FirstOrDefault(m => m.IsLeader && (!Isolated(m) || _random.Next(2) == 0));
        if (leader is null) return;
        var id = AppIds[_random.Next(AppIds.Length)];
        var current = leader.Service!.App(id);
        AppSpec? spec;
        if (current is not null && _random.Next(8) == 0) spec = null;
        else if (current is not null && !newVersion) spec = current with { Instances = _random.Next(4) };
        else
            spec = new AppSpec(id, Cmd: $"serve --rev {++_deploySeq}", Cpus: 0.5, Mem: 64, Instances: 1 + _random.Next(3), BackoffSeconds: 0.5,
                MaxLaunchDelaySeconds: 5, UpgradeStrategy: Strategies[_random.Next(Strategies.Length)], Version: $"v{_deploySeq:D4}");
        var acknowledged = true;
        try
        {
            Complete(spec is null ? leader.Service.RemoveAppAsync(id, CancellationToken.None) : leader.Service.PutAppAsync(spec, CancellationToken.None));
            Stats.DeploysAcknowledged++;
        }
        catch (NotLeaderException)
        {
            acknowledged = false;
            Stats.DeploysUncertain++;
        }
        if (!_deployments.TryGetValue(id, out var history)) _deployments[id] = history = [];
        history.Add((spec, acknowledged));
        Log($"deploy {id}: {(spec is null ? "remove" : $"{spec.Version} x{spec.Instances}")} {(acknowledged ? "acknowledged" : "uncertain")}");
    }

    private bool CrashLeader()
    {
        var leader = _masters.FirstOrDefault(m => m.IsLeader);
        if (leader is null) return false;
        var rolling = Rolling(leader);
        Log($"crash leader {leader}{(rolling ? " during a deployment" : "")}");
        Stats.LeaderCrashes++;
        if (_agents.Any(a => a.OfflineUntilMs >= NowMs - 1_000)) Stats.LeaderCrashesWhileAnAgentIsAway++;
        if (rolling) Stats.LeaderCrashesDuringDeployment++;
        Crash(leader);
        return true;
    }

    private void Crash(SimMaster master)
    {
        foreach (var link in _links.Where(l => l.Master == master)) link.Break($"{master} crashed");
        master.Crash();
        _restartAt[master.Index] = NowMs + 2_000 + _random.Next(7) * 1000;
    }

    private void Isolate(SimMaster master, long ms)
    {
        if (!master.Up || Isolated(master)) return;
        Log($"isolate {master} for {ms} ms{(master.IsLeader ? " (the leader)" : "")}");
        Stats.Isolations++;
        _isolatedUntil[master.Index] = NowMs + ms;
        foreach (var link in _links.Where(l => l.Master == master)) link.Break($"{master} is cut off");
    }

    /// <summary>
    /// The agent's network is cut for <paramref name="ms"/>: its tasks keep running; it reconnects when it is back. A
    /// random cut skips an agent already away; a scripted one replaces what keeps it away.
    /// </summary>
    private void CutAgent(SimAgent agent, long ms, bool scripted = false)
    {
        if (agent.OfflineUntilMs > NowMs && !scripted) return;
        Log($"cut {agent.Id} for {ms} ms");
        if (ms < _o.Unreachable.TotalMilliseconds) Stats.AgentCutsWithinUnreachable++;
        else if (ms < _o.Gone.TotalMilliseconds) Stats.AgentCutsBeyondUnreachable++;
        else Stats.AgentCutsBeyondGone++;
        agent.OfflineUntilMs = NowMs + ms;
        agent.Link?.Break($"{agent.Id}'s network is cut");
    }

    /// <summary>Whether some app is still rolling: instances of another version alive, or fewer running than asked.</summary>
    private static bool Rolling(SimMaster leader)
    {
        var tasks = leader.Service!.Tasks();
        return leader.Service.Apps().Any(app =>
            tasks.Any(t => t.Spec.AppId == app.Id && t.Spec.AppVersion != app.Version && !t.State.IsTerminal()) ||
            tasks.Count(t => t.Spec.AppId == app.Id && t.State == TaskState.Running) != app.Instances);
    }
}
