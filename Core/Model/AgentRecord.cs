using MiniMesos.Core.Allocation;

namespace MiniMesos.Core.Model;

/// <summary>
/// A registered agent: what it offers in total and where it runs. <see cref="Ports"/> is the port range it
/// reported; null for agents (or log entries) from before agents reported one, which offered the default range.
/// </summary>
internal sealed record AgentRecord(
    string Id,
    string Hostname,
    Resources Total,
    IReadOnlyDictionary<string, string> Attributes,
    long RegisteredAtMs,
    PortRanges? Ports = null)
{
    public PortRanges PortRange => Ports ?? TaskPorts.DefaultRange;
}
