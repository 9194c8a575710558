using System.Security.Cryptography;
using System.Text;

namespace MiniMesos.Net.Security;

/// <summary>
/// The agent secret: what an agent token (`minimesos token show --agent`) carries. It lets a node register as an agent and
/// nothing else. Until the first `minimesos token rotate --agent` it is derived from the admin secret (HKDF-SHA256), so
/// every master knows it from its token file alone, before any state; a rotated one is random and kept in the replicated
/// state sealed under the admin secret. Agent secrets start with <see cref="Prefix"/>, which is how a node knows which
/// secret it holds (docs/protocol.md, "Role-scoped tokens").
/// </summary>
internal static class AgentSecret
{
    public const string Prefix = "mma_";
    private static readonly byte[] DeriveInfo = Encoding.ASCII.GetBytes("minimesos/agent-secret/v1");
    private static readonly byte[] SealInfo = Encoding.ASCII.GetBytes("minimesos/agent-secret-seal/v1");
    private static readonly byte[] SealContext = Encoding.ASCII.GetBytes("agent-secret");

    public static bool IsAgent(string secret) => secret.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The agent secret of a cluster that never rotated it.</summary>
    public static string Derive(byte[] adminSecret) =>
        Prefix + Base64Url(HKDF.DeriveKey(HashAlgorithmName.SHA256, adminSecret, 32, salt: [], info: DeriveInfo));

    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] Seal(string agentSecret, byte[] adminSecret) =>
        SecretSeal.Seal(Encoding.UTF8.GetBytes(agentSecret), adminSecret, SealInfo, SealContext);

    public static string Unseal(byte[] sealedSecret, byte[] adminSecret)
    {
        var plain = SecretSeal.Unseal(sealedSecret, adminSecret, SealInfo, SealContext, "the rotated agent secret");
        try
        {
            var text = Encoding.UTF8.GetString(plain);
            return IsAgent(text) ? text : throw new CryptographicException("the rotated agent secret in the state is malformed");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
