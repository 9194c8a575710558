using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;

namespace MiniMesos.Net.Master;

/// <summary>
/// Health of app instances as their agents report it, kept in memory on the leader only (like Marathon): a new
/// leader knows nothing until the agents reconnect and resend their latest reports. Also the reasons of kills the
/// leader asked for, so the instance's final status says why it was killed.
/// </summary>
internal sealed partial class MasterService
{
    private readonly Dictionary<string, TaskHealth> _health = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _killReasons = new(StringComparer.Ordinal);

    /// <summary>A health report from the agent running the task; ignored for tasks not running there. A change of status is an event.</summary>
    public void HealthReported(string agentId, TaskHealth health)
    {
        if (Read(s => s.Tasks.GetValueOrDefault(health.TaskId)) is not { } task || task.AgentId != agentId || task.State.IsTerminal()) return;
        lock (_gate)
        {
            var before = _health.GetValueOrDefault(health.TaskId)?.Status ?? HealthStatus.Unknown;
            _health[health.TaskId] = health;
            if (before == health.Status) return;
            var cause = health.Checks.Select(c => c.Tally).Where(t => t.LastOk == false).Select(t => t.LastFailureCause).FirstOrDefault();
            _replicated.Events.AddLeaderEvent(seq => new ClusterEvent(seq, Now(), "health_status_changed", health.TaskId,
                health.Status.ToString().ToLowerInvariant(), agentId, null, null, cause));
        }
        Changed();
    }

    /// <summary>The latest reported health of a task; null when none was reported to this leader.</summary>
    public TaskHealth? Health(string taskId)
    {
        lock (_gate) return _health.GetValueOrDefault(taskId);
    }

    /// <summary>The combined health of every live task with a report (reports of ended tasks are dropped here).</summary>
    public IReadOnlyDictionary<string, HealthStatus> HealthStatuses()
    {
        var state = ReadView;
        lock (_gate)
        {
            foreach (var id in _health.Keys.Where(id => !state.Tasks.TryGetValue(id, out var t) || t.State.IsTerminal()).ToList()) _health.Remove(id);
            return _health.ToDictionary(kv => kv.Key, kv => kv.Value.Status, StringComparer.Ordinal);
        }
    }

    /// <summary>Kills a task and remembers why, for its final status message.</summary>
    public Task<bool> KillAsync(string taskId, string reason, CancellationToken cancellationToken)
    {
        lock (_gate) _killReasons[taskId] = reason;
        return KillAsync(taskId, cancellationToken);
    }

    /// <summary>The message a status update is committed with: a kill the leader asked for says why.</summary>
    private string? KillMessage(string taskId, TaskState state, string? message)
    {
        if (!state.IsTerminal()) return message;
        lock (_gate)
        {
            if (!_killReasons.Remove(taskId, out var reason) || state != TaskState.Killed) return message;
            return $"killed: {reason}";
        }
    }

    /// <summary>The health checks an app instance's launch carries: its app's, when it has any.</summary>
    private IReadOnlyList<HealthCheckSpec>? HealthChecksFor(TaskRecord task)
    {
        return task.Spec.AppId is { } appId && Read(s => s.Apps.GetValueOrDefault(appId)) is { HasHealthChecks: true } app ? app.HealthChecks : null;
    }

    private void ForgetHealthLocked()
    {
        _health.Clear();
        _killReasons.Clear();
    }
}
