using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.State;

/// <summary>
/// An app's placements judged again when they commit. The leader decides a placement from the state it read, but entries
/// may commit in between (an agent's return with its instances RUNNING again, another pass's launches, a new version), so
/// a launch of an app's instance is applied only if, in the state it commits into, the app still exists at the launch's
/// version, has fewer than its instance count of that version and fewer than <see cref="AppCapacity.MaxTotal"/> instances
/// in all, and the new instance satisfies the app's constraints against every counted instance (<see cref="AppCapacity.Counts"/>,
/// at the entry's time). Otherwise it is skipped like any other launch that no longer fits (ClusterState.Launches), the
/// same on every master; the apps loop learns it from the launch's absence and decides again.
/// </summary>
internal sealed partial class ClusterState
{
    /// <summary>Per app, its non-terminal tasks (ids in order), so a placement's check costs the app's instances, not every task.</summary>
    private readonly ChunkedTable<SortedSet<string>> _liveByApp = new();

    /// <summary>The app's non-terminal tasks (live and unreachable), in task id order.</summary>
    public IEnumerable<TaskRecord> AppTasks(string appId) =>
        _liveByApp.TryGetValue(appId, out var ids) ? ids.Select(id => _tasks[id]) : [];

    /// <summary>
    /// An app's counted instances as one <see cref="LaunchTasks"/> entry sees them: computed once per app and entry, then
    /// updated as the entry's launches apply (a pass's launches of one app share entries: per launch it costs O(1), plus
    /// the constraint checks).
    /// </summary>
    private sealed class AppCount
    {
        public int Current;
        public int Total;
        public List<Placement>? Placed;
    }

    /// <summary>Why the app's instance <paramref name="launch"/> may not start on <paramref name="agent"/> now (null: it may).</summary>
    private string? WhyNotForApp(PlacedLaunch launch, AgentRecord agent, long atMs, Dictionary<string, AppCount> counts)
    {
        if (launch.Spec.AppId is not { } appId) return null;
        if (!_apps.TryGetValue(appId, out var app)) return $"app {appId} no longer exists";
        if (launch.Spec.AppVersion != app.Version) return $"app {appId} is now at version {app.Version}, not {launch.Spec.AppVersion}";
        var count = Counted(app, atMs, counts);
        if (count.Current >= app.Instances) return $"app {appId} already has {count.Current} of its {app.Instances} instance(s) of version {app.Version}";
        var max = AppCapacity.MaxTotal(app, count.Total > count.Current);
        if (count.Total >= max) return $"app {appId} already has {count.Total} instance(s), at most {max} while it deploys";
        if (count.Placed is null) return null;
        var errors = new List<ValidationError>();
        var constraints = app.Constraints!.Select((c, i) => Constraint.Parse(c, $"constraints[{i}]", errors)).ToList();
        if (errors.Count > 0) return $"app {appId}: {errors[0]}";
        var candidate = new Placement(agent.Id, agent.Hostname, agent.Attributes);
        foreach (var constraint in constraints)
            if (constraint!.Check(candidate, count.Placed) is { } why) return $"app {appId}: {why}";
        return null;
    }

    private AppCount Counted(AppSpec app, long atMs, Dictionary<string, AppCount> counts)
    {
        if (counts.TryGetValue(app.Id, out var count)) return count;
        var counted = AppTasks(app.Id).Where(t => AppCapacity.Counts(app, t.State, t.UpdatedAtMs, atMs)).ToList();
        counts[app.Id] = count = new AppCount
        {
            Current = counted.Count(t => t.Spec.AppVersion == app.Version),
            Total = counted.Count,
            Placed = app.Constraints is { Count: > 0 } ? counted.Select(Placement).OfType<Placement>().ToList() : null,
        };
        return count;
    }

    /// <summary>A launch of the app applied: the entry's later launches see it.</summary>
    private static void Launched(PlacedLaunch launch, AgentRecord agent, Dictionary<string, AppCount> counts)
    {
        if (launch.Spec.AppId is not { } appId || !counts.TryGetValue(appId, out var count)) return;
        count.Current++;
        count.Total++;
        count.Placed?.Add(new Placement(agent.Id, agent.Hostname, agent.Attributes));
    }

    private Placement? Placement(TaskRecord task) =>
        task.AgentId is { } id && _agents.TryGetValue(id, out var agent) ? new Placement(agent.Id, agent.Hostname, agent.Attributes) : null;

    private void IndexApp(TaskRecord task)
    {
        if (task.Spec.AppId is not { } appId || task.State.IsTerminal()) return;
        OwnedIds(_liveByApp, appId).Add(task.Id);
    }

    private void UnindexApp(TaskRecord task)
    {
        if (task.Spec.AppId is not { } appId || !_liveByApp.TryGetValue(appId, out var ids) || !ids.Contains(task.Id)) return;
        ids = Own(_liveByApp, appId, ids, CopyIds);
        ids.Remove(task.Id);
        if (ids.Count == 0) Drop(_liveByApp, appId, ids);
    }
}
