using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.State;

/// <summary>
/// Replays a committed history (the replicated log's commands, in index order) into a fresh <see cref="ClusterState"/> and
/// checks, after EVERY apply, that no step made an app's instances break its bounds:
/// <list type="bullet">
/// <item>a step that makes an instance live (STAGING, STARTING, RUNNING) that was not live leaves the app with at most
/// <see cref="AppCapacity.MaxTotal"/> live instances (its count, or during a deployment what its upgradeStrategy allows);</item>
/// <item>each such instance satisfies every constraint of its app (UNIQUE, MAX_PER, CLUSTER, GROUP_BY, LIKE, UNLIKE)
/// against the instances the app counted before the step (<see cref="AppCapacity.Counts"/>) and those placed before it in
/// the same step.</item>
/// </list>
/// The one exception is inherent (docs/scheduling.md): an instance that resumes in the very step its agent comes back from
/// unreachable (<see cref="AgentRegistration"/>) may find itself replaced meanwhile. That is allowed, and the time until
/// the app is back within its count is measured (<see cref="LongestExtraMs"/>). A resume in any other step (the agent
/// had already come back, so placements could see it as away) is a violation like a launch.
/// Used by the whole-master simulation and by `minimesos debug check-history`, which replays a stopped master's raft.db
/// from its snapshot on (the snapshot's state is <paramref name="start"/>).
/// </summary>
internal sealed class CommittedStateInvariants(ClusterState? start = null)
{
    private readonly ClusterState _state = start ?? new ClusterState();
    private readonly Dictionary<string, (long AtMs, string Where)> _overSince = new(StringComparer.Ordinal);

    public List<string> Violations { get; } = [];

    public int Steps { get; private set; }

    /// <summary>Returns of replaced instances that left their app over its count for a while (the inherent window).</summary>
    public int ExtraWindows { get; private set; }

    /// <summary>The longest of those windows, in the commands' time.</summary>
    public long LongestExtraMs { get; private set; }

    /// <summary>Each closed window: the app, the steps that opened and closed it, and its length in the commands' time.</summary>
    public List<(string AppId, string From, string To, long Ms)> Windows { get; } = [];

    /// <summary>The replayed state: a restore (a ReplaceState entry, decoded outside Core) replaces it, then calls <see cref="Replaced"/>.</summary>
    public ClusterState State => _state;

    /// <summary>The state was replaced wholesale (a backup restored): a step, but not a launch, and no window spans it.</summary>
    public void Replaced()
    {
        Steps++;
        _overSince.Clear();
    }

    public void Apply(ClusterCommand command, string where)
    {
        Steps++;
        var unreachableBefore = _state.UnreachableSince.Keys.ToHashSet(StringComparer.Ordinal);
        var before = _state.Tasks.Values.Where(t => t.Spec.AppId is not null && !t.State.IsTerminal())
            .ToDictionary(t => t.Id, t => t, StringComparer.Ordinal);
        if (!_state.Apply(command)) return;
        foreach (var app in _state.Apps.Values.OrderBy(a => a.Id, StringComparer.Ordinal))
        {
            var now = _state.AppTasks(app.Id).Where(t => t.State.IsAlive()).ToList();
            var fresh = now.Where(t => !before.TryGetValue(t.Id, out var b) || !b.State.IsAlive()).ToList();
            bool Excused(TaskRecord t) => before.TryGetValue(t.Id, out var b) && b.State == TaskState.Unreachable
                && unreachableBefore.Contains(t.AgentId!) && !_state.UnreachableSince.ContainsKey(t.AgentId!);
            var placed = fresh.Where(t => !Excused(t)).ToList();
            var counted = before.Values.Where(t => t.Spec.AppId == app.Id && AppCapacity.Counts(app, t.State, t.UpdatedAtMs, command.AtMs)).ToList();
            var deploying = counted.Concat(now).Any(t => t.Spec.AppVersion != app.Version);
            var max = AppCapacity.MaxTotal(app, deploying);
            if (placed.Count > 0 && now.Count > max)
                Violations.Add($"{where}: app {app.Id} has {now.Count} live instances, more than {max}, after {Describe(command, placed)}");
            var placedIds = placed.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
            if (placed.Count > 0) CheckConstraints(app, counted.Where(t => !placedIds.Contains(t.Id)).ToList(), placed, command, where);
            TrackExtra(app, now.Count, command.AtMs, fresh.Count > placed.Count, where);
        }
        // A window of an app that was removed meanwhile ends with it.
        foreach (var gone in _overSince.Keys.Where(id => !_state.Apps.ContainsKey(id)).ToList()) CloseWindow(gone, command.AtMs, where);
    }

    /// <summary>Windows still open where the replay ended: the app, the step that opened it, and when (the commands' time).</summary>
    public IEnumerable<(string AppId, string From, long SinceMs)> OpenWindows => _overSince.Select(w => (w.Key, w.Value.Where, w.Value.AtMs));

    private void CheckConstraints(AppSpec app, List<TaskRecord> counted, List<TaskRecord> placed, ClusterCommand command, string where)
    {
        var errors = new List<ValidationError>();
        var constraints = (app.Constraints ?? []).Select((c, i) => Constraint.Parse(c, $"constraints[{i}]", errors)).OfType<Constraint>().ToList();
        var others = counted.Select(Placement).OfType<Placement>().ToList();
        foreach (var task in placed.OrderBy(t => t.Id, StringComparer.Ordinal))
        {
            if (Placement(task) is not { } at) continue;
            foreach (var constraint in constraints)
                if (constraint.Check(at, others) is { } why)
                    Violations.Add($"{where}: app {app.Id}: {task.Id} on {at.Hostname} breaks {why}, after {Describe(command, [task])}");
            others.Add(at);
        }
    }

    /// <summary>Measures how long an app stays over its count after replaced instances came back (closed when it is within again).</summary>
    private void TrackExtra(AppSpec app, int live, long atMs, bool returned, string where)
    {
        if (live > app.Instances)
        {
            if (returned && _overSince.TryAdd(app.Id, (atMs, where))) ExtraWindows++;
            return;
        }
        CloseWindow(app.Id, atMs, where);
    }

    private void CloseWindow(string appId, long atMs, string where)
    {
        if (!_overSince.Remove(appId, out var since)) return;
        LongestExtraMs = Math.Max(LongestExtraMs, atMs - since.AtMs);
        Windows.Add((appId, since.Where, where, atMs - since.AtMs));
    }

    private Placement? Placement(TaskRecord task) =>
        task.AgentId is { } id && _state.Agents.TryGetValue(id, out var agent) ? new Placement(agent.Id, agent.Hostname, agent.Attributes) : null;

    private static string Describe(ClusterCommand command, IEnumerable<TaskRecord> tasks) =>
        $"{command.GetType().Name} at {command.AtMs} ms ({string.Join(", ", tasks.Select(t => $"{t.Id} {t.State} on {t.AgentId}"))})";
}
