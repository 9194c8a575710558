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

    /// <summary>
    /// A master's: the current secret of a key (admin: the current admin secret, which a rotation replaces while the master
    /// runs; agent: the current agent secret); null (or returning null): <see cref="Secret"/> for admin, refused for others.
    /// </summary>
    public Func<string, byte[]?>? SecretFor { get; init; }

    /// <summary>
    /// A master's, after an admin rotation: the previous admin secret it still accepts from, and offers to, the peer
    /// (node id, role) on this link (a known master within the grace period), or null.
    /// </summary>
    public Func<string, string, byte[]?>? PreviousAdminFor { get; init; }

    /// <summary>A master's: the key id of the admin secret a rotation replaced (null: none), to name it when refusing it.</summary>
    public Func<byte[]?>? PreviousAdminKeyId { get; init; }

    /// <summary>The admin secret to prove now: the current one (<see cref="SecretFor"/>) or the fixed <see cref="Secret"/>.</summary>
    internal byte[] CurrentSecret => Key == AdminKey ? SecretFor?.Invoke(AdminKey) ?? Secret : Secret;

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
