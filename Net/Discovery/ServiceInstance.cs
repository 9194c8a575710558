using System.Net;

namespace MiniMesos.Net.Discovery;

/// <summary>
/// What a node advertises: instance label (e.g. "agent on pi4"), the port to dial, DNS-SD TXT pairs
/// (role, cluster, node id, version, ports) and the addresses of its host. <see cref="HostLabel"/> names the
/// host record (&lt;label&gt;.local); when null it is derived from the instance name.
/// </summary>
internal sealed record ServiceInstance(
    string InstanceName,
    ushort Port,
    IReadOnlyDictionary<string, string> Txt,
    IReadOnlyList<IPAddress> Addresses,
    string? HostLabel = null)
{
    /// <summary>TXT keys MiniMesos puts in every advertisement.</summary>
    public const string RoleKey = "role";
    public const string ClusterKey = "cluster";
    public const string NodeIdKey = "node";
    public const string VersionKey = "ver";
}
