namespace MiniMesos.Net.Wire;

/// <summary>
/// The handshake failed on policy or protocol grounds (wrong secret, cluster or version; malformed message).
/// <see cref="Exception.Message"/> is the one log line, e.g.
/// "peer 198.18.0.2:40112 (agent a1) refused: wrong cluster secret".
/// </summary>
internal sealed class HandshakeRefusedException : Exception
{
    public HandshakeRefusedException(string peer, string? peerRole, string? peerNodeId, string reason, bool refusedByPeer)
        : base(Format(peer, peerRole, peerNodeId, reason))
    {
        Peer = peer;
        Reason = reason;
        RefusedByPeer = refusedByPeer;
    }

    /// <summary>Peer address (or given name).</summary>
    public string Peer { get; }

    /// <summary>Why, in words both sides log identically.</summary>
    public string Reason { get; }

    /// <summary>True when the peer detected the problem and sent "refused"; false when this node did.</summary>
    public bool RefusedByPeer { get; }

    private static string Format(string peer, string? role, string? node, string reason) =>
        role is null || node is null
            ? $"peer {peer} refused: {reason}"
            : $"peer {peer} ({role} {node}) refused: {reason}";
}
