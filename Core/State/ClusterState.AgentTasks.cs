using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.State;

/// <summary>
/// Which live (non-terminal) tasks each agent holds, kept beside the task table so that an agent's free resources and
/// ports cost its own tasks (or less), not every task of the cluster. Sorted by task id: sums over it (float cpus) come out the
/// same on every master, whatever order its tasks arrived in (log replay or snapshot).
/// </summary>
internal sealed partial class ClusterState
{
    private readonly Dictionary<string, SortedSet<string>> _liveByAgent = new(StringComparer.Ordinal);
    /// <summary>Per agent, the host ports its live tasks hold (with how many tasks hold each, should two ever share one).</summary>
    private readonly Dictionary<string, Dictionary<int, int>> _portsByAgent = new(StringComparer.Ordinal);

    /// <summary>The agent's non-terminal tasks, in task id order.</summary>
    public IEnumerable<TaskRecord> LiveTasksOn(string agentId) =>
        _liveByAgent.TryGetValue(agentId, out var ids) ? ids.Select(id => _tasks[id]) : [];

    /// <summary>Host ports of the agent's range that none of its live tasks holds.</summary>
    public PortRanges FreePorts(AgentRecord agent) =>
        _portsByAgent.TryGetValue(agent.Id, out var used) ? agent.PortRange.Subtract(PortRanges.Of(used.Keys)) : agent.PortRange;

    /// <summary>True when every one of <paramref name="ports"/> is in the agent's range and held by none of its live tasks.</summary>
    public bool PortsFree(AgentRecord agent, IEnumerable<int> ports)
    {
        var used = _portsByAgent.GetValueOrDefault(agent.Id);
        return ports.All(p => agent.PortRange.Contains(p) && used?.ContainsKey(p) != true);
    }

    /// <summary>Every write to the task table goes through here so the per-agent index and the ended-task order follow it.</summary>
    private void SetTask(TaskRecord task)
    {
        if (_tasks.TryGetValue(task.Id, out var old)) Unindex(old);
        _tasks[task.Id] = task;
        Index(task);
        Refile(old, task);
    }

    private void ReindexTasks()
    {
        _liveByAgent.Clear();
        _portsByAgent.Clear();
        _liveByApp.Clear();
        foreach (var task in _tasks.Values) Index(task);
    }

    private void Index(TaskRecord task)
    {
        IndexApp(task);
        if (task.AgentId is not { } agentId || task.State.IsTerminal()) return;
        if (!_liveByAgent.TryGetValue(agentId, out var ids)) _liveByAgent[agentId] = ids = new SortedSet<string>(StringComparer.Ordinal);
        if (!ids.Add(task.Id)) return;
        foreach (var port in TaskPorts.UsedBy(task.Spec))
        {
            if (!_portsByAgent.TryGetValue(agentId, out var used)) _portsByAgent[agentId] = used = [];
            used[port] = used.GetValueOrDefault(port) + 1;
        }
    }

    private void Unindex(TaskRecord task)
    {
        UnindexApp(task);
        if (task.AgentId is not { } agentId || !_liveByAgent.TryGetValue(agentId, out var ids) || !ids.Remove(task.Id)) return;
        if (ids.Count == 0) _liveByAgent.Remove(agentId);
        if (!_portsByAgent.TryGetValue(agentId, out var used)) return;
        foreach (var port in TaskPorts.UsedBy(task.Spec))
        {
            if (used.TryGetValue(port, out var holders) && holders > 1) used[port] = holders - 1;
            else used.Remove(port);
        }
        if (used.Count == 0) _portsByAgent.Remove(agentId);
    }
}
