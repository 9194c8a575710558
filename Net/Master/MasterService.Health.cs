using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Master.Agents;

namespace MiniMesos.Net.Master;

/// <summary>App instances' health as agents report it, and why the leader killed a task (<see cref="TaskHealthBook"/>).</summary>
internal sealed partial class MasterService
{
    /// <summary>A health report from the agent running the task; ignored for tasks not running there. A change of status is an event.</summary>
    public void HealthReported(string agentId, TaskHealth health)
    {
        if (Read(s => s.Tasks.GetValueOrDefault(health.TaskId)) is not { } task || task.AgentId != agentId || task.State.IsTerminal()) return;
        var before = _health.Report(health);
        if (before == health.Status) return;
        var cause = health.Checks.Select(c => c.Tally).Where(t => t.LastOk == false).Select(t => t.LastFailureCause).FirstOrDefault();
        _replicated.Events.AddLeaderEvent(seq => new ClusterEvent(seq, Now(), "health_status_changed", health.TaskId,
            health.Status.ToString().ToLowerInvariant(), agentId, null, null, cause));
        Changed();
    }

    /// <summary>The latest reported health of a task; null when none was reported to this leader.</summary>
    public TaskHealth? Health(string taskId) => _health.Get(taskId);

    /// <summary>The combined health of every live task with a report (reports of ended tasks are dropped here).</summary>
    public IReadOnlyDictionary<string, HealthStatus> HealthStatuses() => _health.Statuses(ReadView);

    /// <summary>Kills a task and remembers why, for its final status message.</summary>
    public Task<bool> KillAsync(string taskId, string reason, CancellationToken cancellationToken)
    {
        _health.KillReason(taskId, reason);
        return KillAsync(taskId, cancellationToken);
    }

    /// <summary>The message a status update is committed with: a kill the leader asked for says why.</summary>
    private string? KillMessage(string taskId, TaskState state, string? message)
    {
        if (!state.IsTerminal()) return message;
        return _health.TakeKillReason(taskId) is { } reason && state == TaskState.Killed ? $"killed: {reason}" : message;
    }

    /// <summary>The health checks an app instance's launch carries: its app's, when it has any.</summary>
    private IReadOnlyList<HealthCheckSpec>? HealthChecksFor(TaskRecord task) =>
        task.Spec.AppId is { } appId && Read(s => s.Apps.GetValueOrDefault(appId)) is { HasHealthChecks: true } app ? app.HealthChecks : null;
}
