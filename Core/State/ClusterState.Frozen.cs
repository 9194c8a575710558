using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.State;

/// <summary>
/// A read-only copy of the state for readers that must not hold the owner's lock while they read (the master's read
/// view), made without copying the tasks: the tables that grow with the tasks (tasks, their frameworks, the per-agent
/// and per-app indexes, the app versions) are <see cref="ChunkedTable{TValue}"/>s whose snapshot shares every page and
/// index chunk (the owner copies one before its next write to it), and the index collections inside them are shared
/// too, the owner copying one before it next changes it (<see cref="Own"/>). The tables bounded by agents, apps, jobs
/// and frameworks are copied. So a copy costs O(pages + chunks + agents + apps + jobs + frameworks), not O(tasks), and
/// the owner's next writes pay only for the pages, chunks and index sets they touch. A copy never changes when the
/// original applies more, and refuses <see cref="Apply"/> and the restores: it is a view, not a replica.
/// </summary>
internal sealed partial class ClusterState
{
    private readonly bool _frozen;

    /// <summary>
    /// The index collections (an agent's or an app's task ids, an agent's ports, an app's versions) created or copied since
    /// the last <see cref="Freeze"/>: only these are changed in place, any other may be shared with a view.
    /// </summary>
    private readonly HashSet<object> _ownedInner = new(ReferenceEqualityComparer.Instance);

    /// <summary>True for a copy made by <see cref="Freeze"/>.</summary>
    public bool IsFrozen => _frozen;

    /// <summary>A copy that no later change of this state reaches; shares storage with this state, copies no table whole.</summary>
    public ClusterState Freeze()
    {
        var copy = new ClusterState(this);
        _ownedInner.Clear();
        return copy;
    }

    private ClusterState(ClusterState source)
    {
        _frozen = true;
        _maxEndedTasks = source._maxEndedTasks;
        _agents = new Dictionary<string, AgentRecord>(source._agents, StringComparer.Ordinal);
        _tasks = source._tasks.Snapshot();
        _apps = new Dictionary<string, AppSpec>(source._apps, StringComparer.Ordinal);
        _jobs = new Dictionary<string, (JobSpec Spec, JobState State)>(source._jobs, StringComparer.Ordinal);
        _unreachableSince = new Dictionary<string, long>(source._unreachableSince, StringComparer.Ordinal);
        _drainGraceMs = new Dictionary<string, long>(source._drainGraceMs, StringComparer.Ordinal);
        _liveByAgent = source._liveByAgent.Snapshot();
        _portsByAgent = source._portsByAgent.Snapshot();
        _liveByApp = source._liveByApp.Snapshot();
        _appVersions = source._appVersions.Snapshot();
        _frameworks = new Dictionary<string, FrameworkRecord>(source._frameworks, StringComparer.Ordinal);
        _taskFrameworks = source._taskFrameworks.Snapshot();
        _roleWeights = new SortedDictionary<string, double>(source._roleWeights, StringComparer.Ordinal);
        // What only Apply reads (the ended-task order for retention, the last entry's skipped launches) stays empty.
        AdminRotation = source.AdminRotation;
        SealedAgentSecret = source.SealedAgentSecret;
        ClusterCa = source.ClusterCa;
        DroppedEndedTasks = source.DroppedEndedTasks;
    }

    /// <summary><paramref name="inner"/> (the collection at <paramref name="key"/>) if this state may change it in place, else a copy put in its place.</summary>
    private T Own<T>(ChunkedTable<T> table, string key, T inner, Func<T, T> copy) where T : class
    {
        if (_ownedInner.Contains(inner)) return inner;
        var mine = copy(inner);
        table.Set(key, mine);
        _ownedInner.Add(mine);
        return mine;
    }

    /// <summary>A new collection put at <paramref name="key"/>, this state's to change.</summary>
    private T Add<T>(ChunkedTable<T> table, string key, T inner) where T : class
    {
        table.Set(key, inner);
        _ownedInner.Add(inner);
        return inner;
    }

    private void Drop<T>(ChunkedTable<T> table, string key, T inner) where T : class
    {
        table.Remove(key);
        _ownedInner.Remove(inner);
    }

    /// <summary>The task ids at <paramref name="key"/>, this state's to change (created empty if absent).</summary>
    private SortedSet<string> OwnedIds(ChunkedTable<SortedSet<string>> table, string key) =>
        table.TryGetValue(key, out var ids) ? Own(table, key, ids, CopyIds) : Add(table, key, new SortedSet<string>(StringComparer.Ordinal));

    private static SortedSet<string> CopyIds(SortedSet<string> ids) => new(ids, ids.Comparer);

    private static Dictionary<int, int> CopyPorts(Dictionary<int, int> ports) => new(ports);

    private static List<AppSpec> CopyVersions(List<AppSpec> versions) => [.. versions];

    private void ThrowIfFrozen()
    {
        if (_frozen) throw new InvalidOperationException("a frozen copy of the cluster state is read-only");
    }
}
