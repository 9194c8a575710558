namespace MiniMesos.Net.Wire;

/// <summary>
/// What this node claims and knows for the handshake. The secret is the shared cluster secret: use at least
/// 32 random bytes, since the proofs exchanged are HMACs an eavesdropper could attack offline.
/// </summary>
/// <param name="Build">This node's minimesos version, told to the peer ("" tells nothing).</param>
/// <param name="FeatureLevel">What this node reads (Core.State.FeatureGate), told to the peer (0 tells nothing).</param>
internal sealed record HandshakeOptions(string NodeId, string Role, string ClusterName, byte[] Secret, int ProtocolVersion = 1,
    string Build = "", int FeatureLevel = 0)
{
    /// <summary>Upper bound on the whole handshake, so a silent or slow peer cannot hold a slot.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public const string AdminKey = Security.SecretKeys.Admin;
    public const string AgentKey = Security.SecretKeys.Agent;

    /// <summary>
    /// A client's: which secret <see cref="Secret"/> is, told in hello ("admin", or "agent" for an agent token). A server
    /// uses the secret of the key the client names (<see cref="SecretFor"/>), and an agent key only for the role "agent".
    /// </summary>
    public string Key { get; init; } = AdminKey;

    /// <summary>A server's: the secret of a key other than admin (the current agent secret); null (or returning null): refused.</summary>
    public Func<string, byte[]?>? SecretFor { get; init; }

    /// <summary>TLS around the handshake and everything after it; null only in tests of the bare handshake.</summary>
    public ClusterTls? Tls { get; init; }

    internal void Validate()
    {
        if (string.IsNullOrEmpty(NodeId) || string.IsNullOrEmpty(Role) || string.IsNullOrEmpty(ClusterName))
            throw new ArgumentException("node id, role and cluster name must not be empty");
        if (Secret is null || Secret.Length == 0)
            throw new ArgumentException("the cluster secret must not be empty", nameof(Secret));
        if (ProtocolVersion < 0)
            throw new ArgumentOutOfRangeException(nameof(ProtocolVersion), ProtocolVersion, "must not be negative");
        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "must be positive");
    }
}
