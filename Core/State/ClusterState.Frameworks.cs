namespace MiniMesos.Core.State;

/// <summary>External frameworks and which tasks they own (task id -> framework id).</summary>
internal sealed partial class ClusterState
{
    private readonly Dictionary<string, FrameworkRecord> _frameworks = new(StringComparer.Ordinal);
    private readonly ChunkedTable<string> _taskFrameworks = new();

    public IReadOnlyDictionary<string, FrameworkRecord> Frameworks => _frameworks;

    /// <summary>Task id -> id of the external framework that launched it (tasks of built-in frameworks are absent).</summary>
    public IReadOnlyDictionary<string, string> TaskFrameworks => _taskFrameworks;

    private bool ApplyFramework(ClusterCommand command)
    {
        switch (command)
        {
            case RegisterFramework c:
                _frameworks[c.Framework.Id] = c.Framework;
                return true;
            case RemoveFramework c:
                // Links stay: the framework's tasks are killed by the leader and keep saying who launched them.
                return _frameworks.Remove(c.FrameworkId);
            case LinkTask c:
                if (!_tasks.ContainsKey(c.TaskId) || !_frameworks.ContainsKey(c.FrameworkId) || _taskFrameworks.ContainsKey(c.TaskId)) return false;
                _taskFrameworks.Set(c.TaskId, c.FrameworkId);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Replaces frameworks and links with a snapshot's contents (after <see cref="Restore"/>).</summary>
    public void RestoreFrameworks(IEnumerable<FrameworkRecord> frameworks, IEnumerable<KeyValuePair<string, string>> links)
    {
        _frameworks.Clear();
        _taskFrameworks.Clear();
        foreach (var f in frameworks) _frameworks[f.Id] = f;
        foreach (var (task, framework) in links) _taskFrameworks.Set(task, framework);
    }
}
