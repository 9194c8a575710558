using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.State;

internal sealed partial class ClusterState
{
    /// <summary>
    /// The spec a task runs with on <paramref name="agent"/>: a one-shot task asking for ports gets the lowest free
    /// ones of the agent's range (deterministic, so every master assigns the same), or null when there are too few.
    /// </summary>
    private TaskSpec? PlacedSpec(TaskRecord task, AgentRecord agent)
    {
        if (task.Spec.Ports <= 0) return task.Spec;
        var ports = FreePorts(agent).Take(task.Spec.Ports);
        return ports is null ? null : TaskSpecBuilder.ForPlacedTask(task.Spec, agent.Hostname, ports);
    }
}
