using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Agent;

/// <summary>What the agent tells the master about itself when it registers.</summary>
internal sealed record AgentRegistration(
    string Hostname, double Cpus, long MemMb, long DiskMb,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<string> IsolationMissing, Core.Allocation.PortRanges Ports,
    IReadOnlyList<string>? AllowedUsers = null)
{
    public RegisterAgent ToMessage(string agentId, IReadOnlyList<string> tasks, IReadOnlyList<string> running) =>
        new(agentId, Hostname, Cpus, MemMb, DiskMb, Attributes, IsolationMissing, Ports, tasks, running, AllowedUsers);
}
