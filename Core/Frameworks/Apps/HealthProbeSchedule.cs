namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// The agent's probe timetable, pure (time in ms is passed in; not thread-safe, the caller locks): which checks of
/// which tasks are due, one probe per check at a time, and whether a result changed what the master should know.
/// The first probe runs when the task starts running, each next one an interval after the previous one ended
/// (<see cref="HealthPolicy.NextCheckAtMs"/>); grace period and failure counting are <see cref="HealthPolicy"/>'s.
/// </summary>
internal sealed class HealthProbeSchedule
{
    private readonly Dictionary<string, Watched> _tasks = new(StringComparer.Ordinal);

    public int Count => _tasks.Count;

    /// <summary>Starts (or restarts, with a fresh tally) probing a task that is running since <paramref name="startedAtMs"/>.</summary>
    public void Watch(string taskId, IReadOnlyList<HealthCheckSpec> checks, long startedAtMs)
    {
        if (checks.Count == 0) return;
        _tasks[taskId] = new Watched(checks, checks.Select(_ => new InstanceHealth(startedAtMs)).ToArray(), new bool[checks.Count]);
    }

    /// <summary>Stops probing (the task ended); a probe still in flight for it is ignored when it completes.</summary>
    public bool Forget(string taskId) => _tasks.Remove(taskId);

    /// <summary>The probes due at <paramref name="nowMs"/>, marked in flight until <see cref="Complete"/>; task id then check order.</summary>
    public IReadOnlyList<HealthProbe> TakeDue(long nowMs)
    {
        var due = new List<HealthProbe>();
        foreach (var (taskId, w) in _tasks.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            for (var i = 0; i < w.Checks.Count; i++)
            {
                if (w.InFlight[i] || HealthPolicy.NextCheckAtMs(w.Checks[i], w.Tallies[i]) > nowMs) continue;
                w.InFlight[i] = true;
                due.Add(new HealthProbe(taskId, i, w.Checks[i]));
            }
        }
        return due;
    }

    /// <summary>When the next probe not already in flight is due; null when nothing is watched or everything is in flight.</summary>
    public long? NextDueAtMs()
    {
        long? next = null;
        foreach (var w in _tasks.Values)
        {
            for (var i = 0; i < w.Checks.Count; i++)
            {
                if (w.InFlight[i]) continue;
                var at = HealthPolicy.NextCheckAtMs(w.Checks[i], w.Tallies[i]);
                if (next is null || at < next) next = at;
            }
        }
        return next;
    }

    /// <summary>
    /// Records a probe's result. Returns the task's health when the master should hear it: the check's status, its
    /// alive flag or its failure count changed (a success after a success is not news); null otherwise or when the
    /// task is no longer watched.
    /// </summary>
    public TaskHealth? Complete(string taskId, int index, HealthCheckResult result, long nowMs)
    {
        if (!_tasks.TryGetValue(taskId, out var w) || index < 0 || index >= w.Checks.Count) return null;
        w.InFlight[index] = false;
        var spec = w.Checks[index];
        var before = w.Tallies[index];
        var after = HealthPolicy.Record(spec, before, result, nowMs);
        w.Tallies[index] = after;
        var changed = HealthPolicy.Status(spec, before) != HealthPolicy.Status(spec, after)
                      || before.LastOk != after.LastOk
                      || before.ConsecutiveFailures != after.ConsecutiveFailures;
        return changed ? Current(taskId) : null;
    }

    /// <summary>The task's health now (what a reconnect resends); null when not watched.</summary>
    public TaskHealth? Current(string taskId) =>
        _tasks.TryGetValue(taskId, out var w)
            ? new TaskHealth(taskId, w.Checks.Select((c, i) => new CheckHealth(HealthPolicy.Status(c, w.Tallies[i]), w.Tallies[i])).ToList())
            : null;

    public IReadOnlyList<TaskHealth> All() =>
        _tasks.Keys.Order(StringComparer.Ordinal).Select(id => Current(id)!).ToList();

    private sealed record Watched(IReadOnlyList<HealthCheckSpec> Checks, InstanceHealth[] Tallies, bool[] InFlight);
}
