using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.State;

/// <summary>
/// Batched launches (<see cref="LaunchTasks"/>). The leader decides placements from its applied state, but other
/// entries (another batch, a one-shot assignment, a drain) may commit between that view and this entry, so the entry is
/// judged again here against the state as applied: a launch whose task id is taken, whose agent is gone, unreachable or
/// draining, whose framework is gone, whose agent lacks the resources or ports, or (an app's instance) that its app no longer
/// allows (see ClusterState.AppInstances) is skipped. This is a pure function of
/// the replicated state and the entry, so every master skips the same launches; the skips are kept in
/// <see cref="LastSkipped"/> for the master to log and report, and the framework that asked simply places them again.
/// </summary>
internal sealed partial class ClusterState
{
    private readonly List<(string TaskId, string Reason)> _lastSkipped = [];

    /// <summary>Launches the latest applied <see cref="LaunchTasks"/> skipped, with the reason (empty after any other command).</summary>
    public IReadOnlyList<(string TaskId, string Reason)> LastSkipped => _lastSkipped;

    private bool ApplyLaunches(LaunchTasks c)
    {
        var launched = false;
        var counts = new Dictionary<string, AppCount>(StringComparer.Ordinal);
        foreach (var launch in c.Launches)
        {
            if (WhyNotLaunch(launch, c.AtMs, c.JudgeApps ? counts : null, out var placed) is { } reason)
            {
                _lastSkipped.Add((launch.TaskId, reason));
                continue;
            }
            SetTask(new TaskRecord(launch.TaskId, placed!, TaskState.Staging, launch.AgentId, c.AtMs, c.AtMs));
            Launched(launch, _agents[launch.AgentId], counts);
            if (launch.FrameworkId is { } framework) _taskFrameworks.Set(launch.TaskId, framework);
            launched = true;
        }
        return launched;
    }

    /// <summary>Why the launch cannot be applied now (null: it can, as <paramref name="placed"/>).</summary>
    private string? WhyNotLaunch(PlacedLaunch launch, long atMs, Dictionary<string, AppCount>? counts, out TaskSpec? placed)
    {
        placed = null;
        if (_tasks.ContainsKey(launch.TaskId)) return $"task id '{launch.TaskId}' is already in use";
        if (!_agents.TryGetValue(launch.AgentId, out var agent) || !AcceptsTasks(launch.AgentId))
            return $"agent {launch.AgentId} is gone, unreachable or draining";
        if (launch.FrameworkId is { } framework && !_frameworks.ContainsKey(framework)) return $"framework {framework} is gone";
        var free = Free(launch.AgentId);
        if (!free.Contains(launch.Spec.Resources)) return $"agent {launch.AgentId} has {free} free, the task needs {launch.Spec.Resources}";
        var pending = new TaskRecord(launch.TaskId, launch.Spec, TaskState.Staging, null, 0, 0);
        if (PlacedSpec(pending, agent) is not { } spec) return $"agent {launch.AgentId} has fewer than {launch.Spec.Ports} free ports";
        var wanted = TaskPorts.UsedBy(spec).ToList();
        if (!PortsFree(agent, wanted))
            return $"ports {PortRanges.Of(wanted).Subtract(FreePorts(agent))} of agent {launch.AgentId} are taken or outside its range";
        if (counts is not null && WhyNotForApp(launch, agent, atMs, counts) is { } app) return app;
        placed = spec;
        return null;
    }
}
