using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;

namespace MiniMesos.Net.Master.Agents;

/// <summary>
/// Health of app instances as their agents report it, kept in memory on the leader only (like Marathon): a new leader
/// knows nothing until the agents reconnect and resend their latest reports. Also the reasons of kills the leader asked
/// for, so the instance's final status says why it was killed. Its own lock.
/// </summary>
internal sealed class TaskHealthBook
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TaskHealth> _health = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _killReasons = new(StringComparer.Ordinal);

    /// <summary>Records a report; returns the status before it (Unknown when none).</summary>
    public HealthStatus Report(TaskHealth health)
    {
        lock (_gate)
        {
            var before = _health.GetValueOrDefault(health.TaskId)?.Status ?? HealthStatus.Unknown;
            _health[health.TaskId] = health;
            return before;
        }
    }

    public TaskHealth? Get(string taskId)
    {
        lock (_gate) return _health.GetValueOrDefault(taskId);
    }

    public HealthStatus? Status(string taskId)
    {
        lock (_gate) return _health.GetValueOrDefault(taskId)?.Status;
    }

    /// <summary>The combined health of every live task of <paramref name="state"/> with a report (reports of ended tasks are dropped).</summary>
    public IReadOnlyDictionary<string, HealthStatus> Statuses(ClusterState state)
    {
        lock (_gate)
        {
            foreach (var id in _health.Keys.Where(id => !state.Tasks.TryGetValue(id, out var t) || t.State.IsTerminal()).ToList()) _health.Remove(id);
            return _health.ToDictionary(kv => kv.Key, kv => kv.Value.Status, StringComparer.Ordinal);
        }
    }

    /// <summary>Remembers why the leader kills a task.</summary>
    public void KillReason(string taskId, string reason)
    {
        lock (_gate) _killReasons[taskId] = reason;
    }

    /// <summary>Takes (and forgets) why the leader killed a task; null when it did not say.</summary>
    public string? TakeKillReason(string taskId)
    {
        lock (_gate) return _killReasons.Remove(taskId, out var reason) ? reason : null;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _health.Clear();
            _killReasons.Clear();
        }
    }
}
