using MiniMesos.Net.Security;

namespace MiniMesos.Net.Wire;

/// <summary>
/// TLS 1.3 on the cluster port (docs/protocol.md, "TLS"): <paramref name="Server"/> is what a master presents when it
/// accepts (null on agents, which never accept); <paramref name="Trust"/> is what this node accepts when it dials.
/// </summary>
internal sealed record ClusterTls(ServerCertificate? Server, CaTrust Trust);
