using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.State;

/// <summary>
/// Ended tasks are kept, but not forever: past <see cref="MaxEndedTasks"/> the longest-ended ones leave the state
/// (like Mesos' bounded completed tasks), so a long-lived cluster's memory, snapshots and framework passes stay
/// bounded. Deterministic: the order is (time it ended, id), both from the log, so every master drops the same
/// tasks at the same entry. A task a job's current run still refers to is never dropped (the jobs framework would
/// not find it and launch that attempt again); such tasks do not count against the limit. The limit is part of the replicated behaviour: changing it is a
/// protocol change, like a command's encoding.
/// </summary>
internal sealed partial class ClusterState
{
    /// <summary>How many ended tasks the state keeps.</summary>
    public const int MaxEndedTasks = 10_000;

    private readonly int _maxEndedTasks = MaxEndedTasks;
    /// <summary>Ended tasks by (the time they ended, i.e. their record's UpdatedAtMs, id).</summary>
    private readonly SortedSet<(long EndedAtMs, string Id)> _ended = new(EndedOrder.Instance);

    public ClusterState()
    {
    }

    /// <summary>A state with another limit (tests only: every master of a cluster must use the same one).</summary>
    public ClusterState(int maxEndedTasks) => _maxEndedTasks = maxEndedTasks;

    /// <summary>Ended tasks this state dropped since it was created (not replicated: a count for this master's metrics).</summary>
    public long DroppedEndedTasks { get; private set; }

    /// <summary>After a snapshot restore: every task filed afresh.</summary>
    private void RetainAfterRestore()
    {
        _ended.Clear();
        foreach (var task in _tasks.Values) Refile(null, task);
        DropOverLimit();
    }

    /// <summary>Moves a task's entry from its previous record's place (if that had ended) to its new one's (called by SetTask).</summary>
    private void Refile(TaskRecord? old, TaskRecord task)
    {
        if (old is not null && old.State.IsTerminal()) _ended.Remove((old.UpdatedAtMs, old.Id));
        if (task.State.IsTerminal()) _ended.Add((task.UpdatedAtMs, task.Id));
    }

    /// <summary>After every applied command: drops the longest-ended tasks over the limit (nothing to do under it).</summary>
    private void DropOverLimit()
    {
        if (_ended.Count <= _maxEndedTasks) return;
        // Pinned tasks do not count against the limit: it bounds what may be dropped.
        var pinned = _jobs.Values.Select(j => j.State.Current?.TaskId).OfType<string>()
            .Where(id => _tasks.TryGetValue(id, out var t) && t.State.IsTerminal()).ToHashSet(StringComparer.Ordinal);
        var over = _ended.Count - pinned.Count - _maxEndedTasks;
        if (over <= 0) return;
        var drop = _ended.Where(e => !pinned.Contains(e.Id)).Take(over).ToList();
        foreach (var entry in drop)
        {
            _ended.Remove(entry);
            _tasks.Remove(entry.Id);
            _taskFrameworks.Remove(entry.Id);
            DroppedEndedTasks++;
        }
    }

    private sealed class EndedOrder : IComparer<(long EndedAtMs, string Id)>
    {
        public static readonly EndedOrder Instance = new();

        public int Compare((long EndedAtMs, string Id) x, (long EndedAtMs, string Id) y) =>
            x.EndedAtMs != y.EndedAtMs ? x.EndedAtMs.CompareTo(y.EndedAtMs) : string.CompareOrdinal(x.Id, y.Id);
    }
}
