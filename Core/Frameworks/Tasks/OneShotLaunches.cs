using MiniMesos.Core.Allocation;
using MiniMesos.Core.State;

namespace MiniMesos.Core.Frameworks.Tasks;

/// <summary>
/// The one-shot tasks framework's decision (what `minimesos run` and POST /v1/tasks submit): the waiting tasks placed
/// first-fit within the offers it holds, the largest offer per agent, each task's ports the lowest left in its offer.
/// Pure: a function of the state and the offers.
/// </summary>
internal static class OneShotLaunches
{
    public static List<(string OfferId, TaskLaunch Task, (string TaskId, string AgentId) Item)> Decide(ClusterState state, IReadOnlyList<Offer> held)
    {
        var offerOn = held.GroupBy(o => o.AgentId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(o => o.Resources.Scalars.Cpus).ThenBy(o => o.Id, StringComparer.Ordinal).First(),
                StringComparer.Ordinal);
        var portsLeft = offerOn.Values.ToDictionary(o => o.Id, o => o.Resources.Ports, StringComparer.Ordinal);
        var launches = new List<(string, TaskLaunch, (string, string))>();
        foreach (var (taskId, agentId) in FirstFitPlacement.Place(state, offerOn.ToDictionary(kv => kv.Key, kv => kv.Value.Resources, StringComparer.Ordinal)))
        {
            var task = state.Tasks[taskId];
            var offer = offerOn[agentId];
            var ports = PortRanges.Of(portsLeft[offer.Id].Take(task.Spec.Ports) ?? []);
            portsLeft[offer.Id] = portsLeft[offer.Id].Subtract(ports);
            launches.Add((offer.Id, new TaskLaunch(taskId, new ResourceSet(task.Spec.Resources, ports)), (taskId, agentId)));
        }
        return launches;
    }
}
