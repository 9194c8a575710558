using System.Security.Cryptography;
using System.Text;
using MiniMesos.Core.State;

namespace MiniMesos.Net.Security;

/// <summary>
/// Rotating the admin secret (`minimesos token rotate --admin`): the new secret travels in the replicated state sealed
/// under the one before it (<see cref="SecretSeal"/>), so a master that still holds the old token file learns it from the
/// log (or its own raft.db) and nothing holds it in clear. Key ids (8 bytes of HKDF-SHA256, one-way) name which secret
/// something is sealed under, and which one a handshake client holds (docs/protocol.md, "Rotating the admin secret").
/// </summary>
internal static class AdminSecret
{
    private static readonly byte[] SealInfo = Encoding.ASCII.GetBytes("minimesos/admin-secret-seal/v1");
    private static readonly byte[] SealContext = Encoding.ASCII.GetBytes("admin-secret");

    /// <summary>How long masters that applied a rotation accept the previous secret from a known master (a voter) on the cluster port.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromHours(24);

    /// <summary>The rotation record for <paramref name="next"/>, sealed under <paramref name="current"/>.</summary>
    public static AdminRotationRecord Record(ClusterSecret current, ClusterSecret next, long atMs) =>
        new(SecretKeys.KeyId(current.Key), SecretKeys.KeyId(next.Key), SecretSeal.Seal(next.Key, current.Key, SealInfo, SealContext), atMs);

    /// <summary>The new secret of <paramref name="rotation"/>, which <paramref name="previous"/> must be the secret it is sealed under.</summary>
    public static ClusterSecret Unseal(AdminRotationRecord rotation, ClusterSecret previous, string source)
    {
        var plain = SecretSeal.Unseal(rotation.SealedNew, previous.Key, SealInfo, SealContext, "the rotated admin secret");
        try
        {
            var token = Encoding.UTF8.GetString(plain);
            if (ClusterSecret.Validate(token) is { } problem || AgentSecret.IsAgent(token) || !SecretKeys.KeyId(plain).AsSpan().SequenceEqual(rotation.NewKeyId))
                throw new CryptographicException("the rotated admin secret in the state is malformed");
            return new ClusterSecret(token, source);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}
