namespace MiniMesos.Core.Isolation;

/// <summary>What an agent offers to the cluster, and the attributes it reports about itself.</summary>
internal sealed record AgentResources(
    double Cpus,
    long MemoryBytes,
    long DiskBytes,
    int PortsBegin,
    int PortsEnd,
    IReadOnlyDictionary<string, string> Attributes)
{
    public const int DefaultPortsBegin = 31000;
    public const int DefaultPortsEnd = 32000;

    /// <summary>Why these resources cannot be offered, or null when they can.</summary>
    public string? RefusalReason() =>
        Cpus <= 0 ? "0 cpus available to the agent (check the cpu.max of its cgroup)"
        : MemoryBytes <= 0 ? "0 bytes of memory available to the agent (check the memory.max of its cgroup)"
        : PortsBegin <= 0 || PortsEnd < PortsBegin || PortsEnd > 65535 ? $"bad port range {PortsBegin}-{PortsEnd}"
        : null;
}
