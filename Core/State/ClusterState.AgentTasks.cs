using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.State;

/// <summary>
/// Which live (non-terminal) tasks each agent holds, kept beside the task table so that an agent's free resources and
/// ports cost its own tasks, not every task of the cluster. Sorted by task id: sums over it (float cpus) come out the
/// same on every master, whatever order its tasks arrived in (log replay or snapshot).
/// </summary>
internal sealed partial class ClusterState
{
    private readonly Dictionary<string, SortedSet<string>> _liveByAgent = new(StringComparer.Ordinal);

    /// <summary>The agent's non-terminal tasks, in task id order.</summary>
    public IEnumerable<TaskRecord> LiveTasksOn(string agentId) =>
        _liveByAgent.TryGetValue(agentId, out var ids) ? ids.Select(id => _tasks[id]) : [];

    /// <summary>Host ports of the agent's range that none of its live tasks holds.</summary>
    public PortRanges FreePorts(AgentRecord agent) => TaskPorts.Free(agent, LiveTasksOn(agent.Id));

    /// <summary>Every write to the task table goes through here so the per-agent index follows it.</summary>
    private void SetTask(TaskRecord task)
    {
        if (_tasks.TryGetValue(task.Id, out var old)) Unindex(old);
        _tasks[task.Id] = task;
        Index(task);
    }

    private void ReindexTasks()
    {
        _liveByAgent.Clear();
        foreach (var task in _tasks.Values) Index(task);
    }

    private void Index(TaskRecord task)
    {
        if (task.AgentId is not { } agentId || task.State.IsTerminal()) return;
        if (!_liveByAgent.TryGetValue(agentId, out var ids)) _liveByAgent[agentId] = ids = new SortedSet<string>(StringComparer.Ordinal);
        ids.Add(task.Id);
    }

    private void Unindex(TaskRecord task)
    {
        if (task.AgentId is not { } agentId || !_liveByAgent.TryGetValue(agentId, out var ids)) return;
        ids.Remove(task.Id);
        if (ids.Count == 0) _liveByAgent.Remove(agentId);
    }
}
