using MiniMesos.Core.Model;
using MiniMesos.Core.State;

namespace MiniMesos.Core.Allocation;

/// <summary>
/// Keeps an <see cref="Allocator"/> in step with the replicated state on the leader: connected agents and their
/// totals, and the resources used by every live task (app instances under <see cref="Apps"/>, one-shot tasks and jobs'
/// attempts under <see cref="Tasks"/>: the built-in frameworks, which take offers like external ones; external
/// frameworks' tasks under their framework id), so offers never double-book an agent. Pure: the caller
/// passes the state, the connected agents and the time.
/// </summary>
internal sealed class AllocatorFeed(Allocator allocator)
{
    /// <summary>The built-in apps framework's id in the allocator (as GET /v1/frameworks lists it): app instances are charged to it.</summary>
    public const string Apps = "minimesos-apps";

    /// <summary>The built-in tasks framework's id in the allocator: one-shot tasks and jobs' attempts are charged to it.</summary>
    public const string Tasks = "minimesos-tasks";

    private readonly HashSet<string> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Usage> _accounted = new(StringComparer.Ordinal);

    private sealed record Usage(string Owner, string AgentId, ResourceSet Used, bool Pending);

    public Allocator Allocator => allocator;

    /// <summary>Resources the allocator counts as used by <paramref name="owner"/>'s live tasks, summed over agents.</summary>
    public Resources UsedBy(string owner)
    {
        var sum = new Resources(0, 0);
        foreach (var used in _accounted.Values)
            if (used.Owner == owner) sum += used.Used.Scalars;
        return sum;
    }

    /// <summary>
    /// Brings the allocator up to date; returns offers taken back (agent gone, or a built-in task placed on resources
    /// that were on offer).
    /// </summary>
    public IReadOnlyList<Rescind> Sync(ClusterState state, IReadOnlySet<string> connectedAgents, long nowMs)
    {
        var rescinds = new List<Rescind>();
        foreach (var id in _agents.Where(a => !connectedAgents.Contains(a) || !state.Agents.ContainsKey(a)).ToList())
        {
            rescinds.AddRange(allocator.RemoveAgent(id, "it disconnected from the leader"));
            _agents.Remove(id);
            foreach (var (task, _) in _accounted.Where(kv => kv.Value.AgentId == id).ToList()) _accounted.Remove(task);
        }
        foreach (var id in connectedAgents.Where(a => state.Agents.ContainsKey(a) && !_agents.Contains(a)).Order(StringComparer.Ordinal))
        {
            allocator.AddAgent(state.Agents[id], state.Agents[id].PortRange);
            _agents.Add(id);
        }
        foreach (var (taskId, usage) in _accounted.ToList())
        {
            var task = state.Tasks.GetValueOrDefault(taskId);
            var placed = task is not null && task.AgentId == usage.AgentId;
            if (usage.Pending && !placed && task?.State.IsTerminal() != true) continue;
            if (placed && !task!.State.IsTerminal())
            {
                if (usage.Pending) _accounted[taskId] = usage with { Pending = false };
                continue;
            }
            allocator.Recover(usage.Owner, usage.AgentId, usage.Used);
            _accounted.Remove(taskId);
        }
        foreach (var task in state.Tasks.Values.OrderBy(t => t.Id, StringComparer.Ordinal))
        {
            if (task.AgentId is not { } agentId || task.State.IsTerminal() || !_agents.Contains(agentId) || _accounted.ContainsKey(task.Id)) continue;
            var owner = state.TaskFrameworks.GetValueOrDefault(task.Id) ?? (task.Spec.AppId is not null ? Apps : Tasks);
            var used = new ResourceSet(task.Spec.Resources, PortRanges.Of(TaskPorts.UsedBy(task.Spec)));
            allocator.RestoreUsage(owner, agentId, used);
            _accounted[task.Id] = new Usage(owner, agentId, used, false);
            var free = allocator.FreeOn(agentId).Scalars;
            if (free.Cpus >= -1e-9 && free.MemMb >= 0 && free.DiskMb >= 0) continue;
            foreach (var offer in allocator.OutstandingOffers.Where(o => o.AgentId == agentId).ToList())
            {
                allocator.Decline(offer.FrameworkId, [offer.Id], nowMs, 0);
                rescinds.Add(new Rescind(offer.Id, offer.FrameworkId, agentId, $"task '{task.Id}' now uses resources of agent '{agentId}'"));
            }
        }
        return rescinds;
    }

    /// <summary>An accepted launch: its resources are already charged by <see cref="Allocator.Accept"/>; the task is not committed yet.</summary>
    public void Launching(string taskId, string frameworkId, string agentId, ResourceSet used) =>
        _accounted[taskId] = new Usage(frameworkId, agentId, used, true);

    /// <summary>The launch could not be committed: give its resources back.</summary>
    public void LaunchFailed(string taskId)
    {
        if (!_accounted.Remove(taskId, out var usage)) return;
        allocator.Recover(usage.Owner, usage.AgentId, usage.Used);
    }
}
