using System.Net;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Hosts;

/// <summary>How a master runs: where it listens, where it keeps its data, which cluster it belongs to, whom it joins.</summary>
/// <param name="AdvertiseHost">The address other masters and agents use to reach this one.</param>
/// <param name="Join">Cluster-port addresses of other masters (host[:port]).</param>
/// <param name="BootstrapExpect">How many masters form a new cluster; a master with state never bootstraps again.</param>
/// <param name="RaftTick">One Raft tick: elections time out after 10-20 ticks, the leader heartbeats every 2.</param>
/// <param name="ReadTokens">API tokens that may only read (GET); never a cluster secret.</param>
/// <param name="AgentTimeouts">When a silent agent is unreachable and an unreachable one gone (default 10 s and 10 min).</param>
/// <param name="RaftCompactEvery">Applied log entries between two snapshots of the cluster state (tests lower it).</param>
/// <param name="SnapshotInterval">How often to write a scheduled backup of the state (null: never).</param>
/// <param name="SnapshotDir">Where scheduled backups go (null: &lt;DataDir&gt;/snapshots).</param>
/// <param name="DnsPort">UDP and TCP port of the app DNS on the API's listen address (docs/dns.md); 0: none.</param>
/// <param name="ServicePortRange">Where the leader takes apps' service ports from (null: 10000-20000).</param>
/// <param name="Mdns">Advertise over mDNS and join the masters of the same cluster found there.</param>
/// <param name="InsecureHttp">Serve the API as plain HTTP (behind a TLS-terminating reverse proxy on the same host).</param>
/// <param name="CertLifetime">How long this master's server certificates live (null: 90 days); renewed at two thirds.</param>
/// <param name="AdminTokenGrace">How long after an admin rotation a voter may still link with the previous admin secret (null: 24 h).</param>
/// <param name="RaftKeepBelowSnapshot">Log entries a snapshot keeps below it: a follower that fell less far behind catches up with entries, not the whole state.</param>
internal sealed record MasterOptions(
    IPEndPoint ApiEndpoint,
    IPEndPoint ClusterEndpoint,
    string DataDir,
    string ClusterName,
    ClusterSecret? Secret,
    string AdvertiseHost = "127.0.0.1",
    IReadOnlyList<string>? Join = null,
    int BootstrapExpect = 1,
    TimeSpan? RaftTick = null,
    bool Mdns = false,
    IReadOnlyList<System.Net.IPAddress>? MdnsInterfaces = null,
    IReadOnlyList<string>? ReadTokens = null,
    Core.State.AgentTimeouts? AgentTimeouts = null,
    ulong RaftCompactEvery = 10_000,
    TimeSpan? SnapshotInterval = null,
    int SnapshotRetain = 24,
    string? SnapshotDir = null,
    int DnsPort = 0,
    bool InsecureHttp = false,
    TimeSpan? CertLifetime = null,
    Core.Allocation.PortRange? ServicePortRange = null,
    ulong RaftKeepBelowSnapshot = 5_000,
    TimeSpan? AdminTokenGrace = null);

