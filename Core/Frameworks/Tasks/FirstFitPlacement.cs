using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;

namespace MiniMesos.Core.Frameworks.Tasks;

/// <summary>
/// Placement of one-shot tasks: each waiting task, oldest first, goes to the agent with the most free cpus that can
/// hold it and satisfies its constraints (see <see cref="TaskConstraints"/>). On the leader the room comes from the
/// offers the one-shot tasks' framework holds (<see cref="Place(ClusterState, IReadOnlyDictionary{string, ResourceSet})"/>);
/// without offers, from the agents' free resources. Pure: a function of the state (and the offers).
/// </summary>
internal static class FirstFitPlacement
{
    /// <summary>Places on the free resources of every agent that accepts tasks.</summary>
    public static IReadOnlyList<(string TaskId, string AgentId)> Place(ClusterState state) =>
        Place(state, state.Agents.Values.Where(a => state.AcceptsTasks(a.Id))
            .ToDictionary(a => a.Id, a => new ResourceSet(state.Free(a.Id), state.FreePorts(a)), StringComparer.Ordinal));

    /// <summary>Places within <paramref name="room"/> (agent id -> what may be used there, e.g. an offer).</summary>
    public static IReadOnlyList<(string TaskId, string AgentId)> Place(ClusterState state, IReadOnlyDictionary<string, ResourceSet> room)
    {
        // Loops rather than LINQ over these dictionaries of value types: each chain instantiated LINQ's iterators (docs/size.md).
        var free = new Dictionary<string, Resources>(StringComparer.Ordinal);
        var freePorts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (agentId, set) in room)
        {
            free[agentId] = set.Scalars;
            freePorts[agentId] = set.Ports.Count;
        }
        var placements = new List<(string, string)>();
        var placedNow = new List<(TaskRecord Task, string AgentId)>();
        var waiting = state.Tasks.Values
            .Where(t => t.AgentId is null && t.State == TaskState.Staging)
            .OrderBy(t => t.SubmittedAtMs).ThenBy(t => t.Id, StringComparer.Ordinal);
        foreach (var task in waiting)
        {
            var allowed = Allowed(state, task, placedNow);
            // The agent with the most CPUs left that fits, the lowest id among equals.
            string? best = null;
            var bestCpus = 0.0;
            foreach (var (agentId, left) in free)
            {
                if (!left.Contains(task.Spec.Resources) || freePorts[agentId] < task.Spec.Ports || !allowed(agentId)) continue;
                if (best is null || left.Cpus > bestCpus || (left.Cpus == bestCpus && string.CompareOrdinal(agentId, best) < 0))
                    (best, bestCpus) = (agentId, left.Cpus);
            }
            if (best is null) continue;
            free[best] -= task.Spec.Resources;
            freePorts[best] -= task.Spec.Ports;
            placements.Add((task.Id, best));
            placedNow.Add((task, best));
        }
        return placements;
    }

    /// <summary>Which agents the task's constraints allow, counting peers placed earlier in this pass; none if they do not parse.</summary>
    private static Func<string, bool> Allowed(ClusterState state, TaskRecord task, List<(TaskRecord Task, string AgentId)> placedNow)
    {
        if (task.Spec.Constraints is not { Count: > 0 }) return _ => true;
        var errors = new List<Frameworks.ValidationError>();
        var constraints = TaskConstraints.Parse(task.Spec.Constraints, errors);
        if (errors.Count > 0) return _ => false;
        var peers = TaskConstraints.Peers(state, task);
        peers.AddRange(placedNow.Where(p => p.Task.Spec.AppId is null && p.Task.Spec.Name == task.Spec.Name)
            .Select(p => TaskConstraints.PlacementOn(state, p.AgentId)));
        return agentId => TaskConstraints.Check(constraints, TaskConstraints.PlacementOn(state, agentId), peers) is null;
    }

    /// <summary>Why a task waits, in words for a user; null when some agent could hold it.</summary>
    public static string? WhyWaiting(ClusterState state, TaskRecord task)
    {
        if (state.Agents.Count == 0) return "no agent is registered";
        var need = task.Spec.Ports > 0 ? $"{task.Spec.Resources} ports={task.Spec.Ports}" : task.Spec.Resources.ToString();
        var bigEnough = state.Agents.Values.Where(a => a.Total.Contains(task.Spec.Resources) && a.PortRange.Count >= task.Spec.Ports).ToList();
        if (bigEnough.Count == 0) return $"no agent is big enough for {need}";
        if (TaskConstraints.WhyNot(state, task, bigEnough.Where(a => state.AcceptsTasks(a.Id)).ToList()) is { } constrained) return constrained;
        var allowed = Allowed(state, task, []);
        return bigEnough.Any(a => allowed(a.Id) && state.Free(a.Id).Contains(task.Spec.Resources) && state.FreePorts(a).Count >= task.Spec.Ports)
            ? null
            : $"every agent is busy; waiting for {need} to free up";
    }
}
