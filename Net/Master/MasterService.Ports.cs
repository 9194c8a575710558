using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;

namespace MiniMesos.Net.Master;

internal sealed partial class MasterService
{
    /// <summary>
    /// False when the agent is gone or a one-shot task took some of <paramref name="spec"/>'s ports since the
    /// framework's offer was made: the instance is then not launched, and the next pass places it anew.
    /// </summary>
    private bool PortsStillFree(string agentId, TaskSpec spec)
    {
        lock (_gate) return _state.Agents.TryGetValue(agentId, out var agent) && TaskPorts.AllFree(agent, _state.Tasks.Values, spec);
    }
}
