namespace MiniMesos.Net.Wire;

/// <summary>The authenticated peer, as it described itself in the handshake.</summary>
/// <param name="Build">Its minimesos version ("" from a version that does not say).</param>
/// <param name="FeatureLevel">What it reads (Core.State.FeatureGate; 0 from a version that does not say).</param>
/// <param name="Key">Which secret it proved: "admin", or "agent" (an agent token, which registers an agent and nothing else).</param>
/// <param name="PreviousAdmin">The link runs on the admin secret a rotation replaced (a known master that has not caught up yet).</param>
internal sealed record PeerInfo(string NodeId, string Role, string ClusterName, int ProtocolVersion, string Build = "", int FeatureLevel = 0,
    string Key = HandshakeOptions.AdminKey, bool PreviousAdmin = false);
