using System.Net;
using MiniMesos.Core.Dns;

namespace MiniMesos.Core.Discovery;

/// <summary>
/// What a node advertises: instance label (e.g. "agent on pi4"), the port to dial, DNS-SD TXT pairs
/// (role, cluster, node id, version, ports) and the addresses of its host. <see cref="HostLabel"/> names the
/// host record (&lt;label&gt;.local); when null it is derived from the instance name. <see cref="ServiceType"/> is the
/// DNS-SD type it is an instance of; null: <c>_minimesos._tcp.local.</c> (an app announced by its agent has its own).
/// </summary>
internal sealed record ServiceInstance(
    string InstanceName,
    ushort Port,
    IReadOnlyDictionary<string, string> Txt,
    IReadOnlyList<IPAddress> Addresses,
    string? HostLabel = null,
    DnsName? ServiceType = null)
{
    /// <summary>
    /// The instance and host names carry an id this node drew at random (a master's 53-bit id, an agent's 32-bit suffix), so
    /// nobody else holds them short of a copied data dir: they are announced after the initial random delay (0-250 ms)
    /// without the three probes of RFC 6762 §8.1 (0.75 s), which exist to find a name someone else already holds. A conflict seen later is still resolved as §9 says
    /// (probe again, the loser renames), and a renamed or re-probed name is probed in full. False (names people choose,
    /// such as an app's): full probing first.
    /// </summary>
    public bool RandomName { get; init; }

    /// <summary>TXT keys MiniMesos puts in every advertisement (short, as RFC 6763 §6.4 suggests).</summary>
    public const string RoleKey = "role";
    public const string ClusterKey = "cluster";
    public const string NodeIdKey = "node";
    public const string VersionKey = "ver";
    public const string ApiPortKey = "api";
    /// <summary>The SHA-256 fingerprint of the cluster CA (a master, once it knows it): a node holding an mm1 token ignores other CAs.</summary>
    public const string CaKey = "ca";

    /// <summary>
    /// The advertisement of one node: the SRV port is the cluster port (MessagePack over TCP); the HTTP API
    /// port, when the node serves one, travels in TXT.
    /// </summary>
    public static ServiceInstance ForNode(string instanceName, string role, string cluster, string nodeId, string version,
        ushort clusterPort, ushort? apiPort = null, IReadOnlyList<IPAddress>? addresses = null)
    {
        var txt = new Dictionary<string, string>
        {
            [RoleKey] = role,
            [ClusterKey] = cluster,
            [NodeIdKey] = nodeId,
            [VersionKey] = version,
        };
        if (apiPort is { } api) txt[ApiPortKey] = api.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ServiceInstance(instanceName, clusterPort, txt, addresses ?? []);
    }
}
