namespace MiniMesos.Net.Security;

/// <summary>The names of the cluster's secrets, as a handshake's <c>key</c> field carries them (docs/protocol.md, "Role-scoped tokens").</summary>
internal static class SecretKeys
{
    /// <summary>The admin secret: the masters' token; everything is allowed.</summary>
    public const string Admin = "admin";

    /// <summary>The agent secret: registers agents and nothing else.</summary>
    public const string Agent = "agent";
}
