using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.State;

/// <summary>
/// A read-only copy of the state for readers that must not hold the owner's lock while they read (the master's read
/// view): every table and index is copied (the records in them are immutable and shared), so the copy never changes
/// when the original applies more. A copy refuses <see cref="Apply"/> and the restores: it is a view, not a replica.
/// </summary>
internal sealed partial class ClusterState
{
    private readonly bool _frozen;

    /// <summary>True for a copy made by <see cref="Freeze"/>.</summary>
    public bool IsFrozen => _frozen;

    /// <summary>A copy that no later change of this state reaches; O(size of the state).</summary>
    public ClusterState Freeze() => new(this);

    private ClusterState(ClusterState source)
    {
        _frozen = true;
        _maxEndedTasks = source._maxEndedTasks;
        _agents = new Dictionary<string, AgentRecord>(source._agents, StringComparer.Ordinal);
        _tasks = new Dictionary<string, TaskRecord>(source._tasks, StringComparer.Ordinal);
        _apps = new Dictionary<string, AppSpec>(source._apps, StringComparer.Ordinal);
        _jobs = new Dictionary<string, (JobSpec Spec, JobState State)>(source._jobs, StringComparer.Ordinal);
        _unreachableSince = new Dictionary<string, long>(source._unreachableSince, StringComparer.Ordinal);
        _drainGraceMs = new Dictionary<string, long>(source._drainGraceMs, StringComparer.Ordinal);
        _liveByAgent = source._liveByAgent.ToDictionary(kv => kv.Key, kv => new SortedSet<string>(kv.Value, kv.Value.Comparer), StringComparer.Ordinal);
        _portsByAgent = source._portsByAgent.ToDictionary(kv => kv.Key, kv => new Dictionary<int, int>(kv.Value), StringComparer.Ordinal);
        _liveByApp = source._liveByApp.ToDictionary(kv => kv.Key, kv => new SortedSet<string>(kv.Value, kv.Value.Comparer), StringComparer.Ordinal);
        _appVersions = source._appVersions.ToDictionary(kv => kv.Key, kv => new List<AppSpec>(kv.Value), StringComparer.Ordinal);
        _frameworks = new Dictionary<string, FrameworkRecord>(source._frameworks, StringComparer.Ordinal);
        _taskFrameworks = new Dictionary<string, string>(source._taskFrameworks, StringComparer.Ordinal);
        _roleWeights = new SortedDictionary<string, double>(source._roleWeights, StringComparer.Ordinal);
        // What only Apply reads (the ended-task order for retention, the last entry's skipped launches) stays empty.
        AdminRotation = source.AdminRotation;
        SealedAgentSecret = source.SealedAgentSecret;
        ClusterCa = source.ClusterCa;
        DroppedEndedTasks = source.DroppedEndedTasks;
    }

    private void ThrowIfFrozen()
    {
        if (_frozen) throw new InvalidOperationException("a frozen copy of the cluster state is read-only");
    }
}
