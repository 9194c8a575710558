namespace MiniMesos.Net.Wire;

/// <summary>The authenticated peer, as it described itself in the handshake.</summary>
internal sealed record PeerInfo(string NodeId, string Role, string ClusterName, int ProtocolVersion);
