using System.Security.Cryptography;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;

namespace MiniMesos.Tests.Master.Simulation;

/// <summary>What must hold once the cluster is healed, and a digest of the whole run for the replay check.</summary>
internal sealed partial class MasterSimulation
{
    /// <summary>
    /// Violations now (empty = converged): one leader; every app at exactly its instance count, all RUNNING at its
    /// version, nothing else of it alive; every task RUNNING on a live agent that runs it, or terminal with a reason;
    /// nothing alive on a removed (GONE) agent; no agent running a task the leader does not have RUNNING there.
    /// </summary>
    public List<string> Violations()
    {
        var problems = new List<string>();
        var leaders = _masters.Where(m => m.IsLeader).ToList();
        if (leaders.Count != 1) return [$"{leaders.Count} leaders"];
        var master = leaders[0].Service!;
        var tasks = master.Tasks();
        var agents = master.Agents().ToDictionary(a => a.Agent.Id, StringComparer.Ordinal);
        var apps = master.Apps().ToDictionary(a => a.Id, StringComparer.Ordinal);
        foreach (var app in apps.Values)
        {
            var running = tasks.Count(t => t.Spec.AppId == app.Id && t.Spec.AppVersion == app.Version && t.State == TaskState.Running);
            if (running != app.Instances) problems.Add($"app {app.Id} {app.Version}: {running} of {app.Instances} instances running");
        }
        foreach (var task in tasks)
        {
            if (task.State.IsTerminal())
            {
                if (task.Message is null && task.ExitCode is null && task.Signal is null) problems.Add($"task {task.Id} is {task.State} without a reason");
                continue;
            }
            if (task.AgentId is null || !agents.TryGetValue(task.AgentId, out var agent))
            {
                problems.Add($"task {task.Id} is {task.State} on {(task.AgentId is null ? "no agent" : $"removed agent {task.AgentId}")}");
                continue;
            }
            if (task.State != TaskState.Running || !agent.Connected) problems.Add($"task {task.Id} is {task.State} on {task.AgentId} (connected: {agent.Connected})");
            if (task.Spec.AppId is { } appId && (!apps.TryGetValue(appId, out var app) || app.Version != task.Spec.AppVersion))
                problems.Add($"task {task.Id} of {appId} {task.Spec.AppVersion} is still {task.State}");
            if (_agents.First(a => a.Id == task.AgentId).Sandboxes.GetValueOrDefault(task.Id).State != TaskState.Running)
                problems.Add($"task {task.Id} is {task.State} in the state but does not run on {task.AgentId}");
        }
        var byId = tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        foreach (var agent in _agents)
        {
            foreach (var id in agent.Running)
            {
                if (!byId.TryGetValue(id, out var task) || task.AgentId != agent.Id || task.State != TaskState.Running)
                    problems.Add($"{agent.Id} runs {id}, which the leader has as {(task is null ? "unknown" : $"{task.State} on {task.AgentId}")}");
            }
        }
        return problems;
    }

    /// <summary>Every committed entry by index, as some master applied it (each index is applied by at least the leader that committed it).</summary>
    private readonly SortedDictionary<ulong, byte[]> _committed = [];
    private readonly List<string> _divergent = [];

    private void Record(SimMaster master, ulong index, byte[] data)
    {
        if (!_committed.TryGetValue(index, out var known)) _committed[index] = data;
        else if (!known.AsSpan().SequenceEqual(data)) _divergent.Add($"{master} applied another entry {index} than a master before it");
    }

    /// <summary>
    /// The committed history replayed apply by apply from index 1 (<see cref="CommittedStateInvariants"/>); null when it has a gap.
    /// </summary>
    public CommittedStateInvariants? ReplayCommitted(List<string> problems)
    {
        problems.AddRange(_divergent);
        var replay = new CommittedStateInvariants();
        ulong expected = 1;
        foreach (var (index, data) in _committed)
        {
            if (index != expected)
            {
                problems.Add($"the committed history has a gap before entry {index} (expected {expected})");
                return null;
            }
            expected++;
            if (data.Length > 0) replay.Apply(CommandCodec.Decode(data), $"entry {index}");
        }
        problems.AddRange(replay.Violations.Take(20));
        return replay;
    }

    /// <summary>The final checks after <see cref="Run"/>; returns every failure (empty when the run is correct).</summary>
    public List<string> Check()
    {
        var problems = Violations();
        if (ReplayCommitted(problems) is { } replay)
        {
            Stats.CommittedStatesChecked = replay.Steps;
            Stats.ExtraInstanceWindows = replay.ExtraWindows;
            Stats.LongestExtraInstanceMs = replay.LongestExtraMs;
        }
        if (Stats.ConvergedAfterHealMs is null) problems.Insert(0, $"not converged {_o.QuietSeconds} s after healing");
        var leader = _masters.FirstOrDefault(m => m.IsLeader);
        if (leader is null) return problems;
        problems.AddRange(LostDeployments(leader));
        // Every master applied the same log: their states are byte-for-byte the same snapshot.
        var expected = ((IRaftStateMachine)leader.Service!).Snapshot();
        foreach (var master in _masters.Where(m => m != leader))
        {
            if (master.Node!.AppliedIndex != leader.Node!.AppliedIndex) problems.Add($"{master} applied {master.Node.AppliedIndex}, the leader {leader.Node.AppliedIndex}");
            else if (!((IRaftStateMachine)master.Service!).Snapshot().AsSpan().SequenceEqual(expected)) problems.Add($"{master}'s state differs from the leader's");
        }
        return problems;
    }

    /// <summary>SHA-256 of the leader's state and the run's figures: equal for two runs of one seed.</summary>
    public string Digest()
    {
        var leader = _masters.FirstOrDefault(m => m.IsLeader);
        var state = leader is null ? [] : ((IRaftStateMachine)leader.Service!).Snapshot();
        return Convert.ToHexStringLower(SHA256.HashData([.. state, .. System.Text.Encoding.UTF8.GetBytes(Stats.ToString())]));
    }

    /// <summary>An acknowledged deployment is never lost: the app is as the last acknowledged one left it, or as a later uncertain one did.</summary>
    private IEnumerable<string> LostDeployments(SimMaster leader)
    {
        foreach (var (id, history) in _deployments)
        {
            var lastAcked = history.FindLastIndex(d => d.Acknowledged);
            var allowed = history.Skip(Math.Max(lastAcked, 0)).Where((d, i) => i > 0 || d.Acknowledged || lastAcked < 0).Select(d => Describe(d.Spec)).ToList();
            if (lastAcked < 0) allowed.Add(Describe(null));
            var actual = Describe(leader.Service!.App(id));
            if (!allowed.Contains(actual)) yield return $"app {id} is {actual}; the deployments allow only {string.Join(" or ", allowed)}";
        }
    }

    private static string Describe(Core.Frameworks.Apps.AppSpec? spec) => spec is null ? "absent" : $"{spec.Version} x{spec.Instances}";
}
