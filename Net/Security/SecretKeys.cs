using System.Security.Cryptography;
using System.Text;

namespace MiniMesos.Net.Security;

/// <summary>The names of the cluster's secrets, as a handshake's <c>key</c> field carries them (docs/protocol.md, "Role-scoped tokens").</summary>
internal static class SecretKeys
{
    /// <summary>The admin secret: the masters' token; everything is allowed.</summary>
    public const string Admin = "admin";

    /// <summary>The agent secret: registers agents and nothing else.</summary>
    public const string Agent = "agent";

    private static readonly byte[] KeyIdInfo = Encoding.ASCII.GetBytes("minimesos/admin-key-id/v1");

    /// <summary>
    /// An admin secret's 8-byte key id (HKDF-SHA256, one-way): which admin secret a handshake client holds (hello's
    /// <c>kid</c>) and which one a rotation is sealed under.
    /// </summary>
    public static byte[] KeyId(byte[] secret) => HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 8, salt: [], info: KeyIdInfo);
}
