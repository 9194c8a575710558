using System.Net;

namespace MiniMesos.Core.Dns;

/// <summary>
/// What the app DNS answers from, read from one master's state at one moment: the cluster name (the zone is
/// <c>&lt;cluster&gt;.minimesos.</c>), the leader's and every master's addresses, and the served instances of every app.
/// <see cref="Serial"/> is the SOA serial (it grows with the state).
/// </summary>
internal sealed record AppDnsView(
    string Cluster,
    IReadOnlyList<IPAddress> Leader,
    IReadOnlyList<IPAddress> Masters,
    IReadOnlyList<AppDnsEndpoint> Endpoints,
    uint Serial = 1);
