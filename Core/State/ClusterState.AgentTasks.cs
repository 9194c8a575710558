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
    private readonly ChunkedTable<SortedSet<string>> _liveByAgent = new();
    /// <summary>Per agent, the host ports its live tasks hold (with how many tasks hold each, should two ever share one).</summary>
    private readonly ChunkedTable<Dictionary<int, int>> _portsByAgent = new();

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

    /// <summary>
    /// Every write to the task table goes through here so the per-agent index and the ended-task order follow it. A
    /// change the indexes do not see (a status update between two live states) leaves them alone: taking a task out
    /// and putting it back would only copy the index sets a read view shares.
    /// </summary>
    private void SetTask(TaskRecord task)
    {
        _tasks.TryGetValue(task.Id, out var old);
        var reindex = old is null || !IndexedAlike(old, task);
        if (reindex && old is not null) Unindex(old);
        _tasks.Set(task.Id, task);
        if (reindex) Index(task);
        Refile(old, task);
    }

    /// <summary>True when both records sit in the same places of every index (agent, app, ports, live or ended).</summary>
    private static bool IndexedAlike(TaskRecord a, TaskRecord b) =>
        a.AgentId == b.AgentId && a.State.IsTerminal() == b.State.IsTerminal() && ReferenceEquals(a.Spec, b.Spec);

    private void ReindexTasks()
    {
        _ownedInner.Clear();
        _liveByAgent.Clear();
        _portsByAgent.Clear();
        _liveByApp.Clear();
        foreach (var task in _tasks.Values) Index(task);
    }

    private void Index(TaskRecord task)
    {
        IndexApp(task);
        if (task.AgentId is not { } agentId || task.State.IsTerminal()) return;
        if (!OwnedIds(_liveByAgent, agentId).Add(task.Id)) return;
        foreach (var port in TaskPorts.UsedBy(task.Spec))
        {
            var used = _portsByAgent.TryGetValue(agentId, out var shared) ? Own(_portsByAgent, agentId, shared, CopyPorts) : Add(_portsByAgent, agentId, []);
            used[port] = used.GetValueOrDefault(port) + 1;
        }
    }

    private void Unindex(TaskRecord task)
    {
        UnindexApp(task);
        if (task.AgentId is not { } agentId || !_liveByAgent.TryGetValue(agentId, out var ids) || !ids.Contains(task.Id)) return;
        ids = Own(_liveByAgent, agentId, ids, CopyIds);
        ids.Remove(task.Id);
        if (ids.Count == 0) Drop(_liveByAgent, agentId, ids);
        if (!_portsByAgent.TryGetValue(agentId, out var used)) return;
        used = Own(_portsByAgent, agentId, used, CopyPorts);
        foreach (var port in TaskPorts.UsedBy(task.Spec))
        {
            if (used.TryGetValue(port, out var holders) && holders > 1) used[port] = holders - 1;
            else used.Remove(port);
        }
        if (used.Count == 0) Drop(_portsByAgent, agentId, used);
    }
}
