using System.Security.Cryptography;
using System.Text;

namespace MiniMesos.Net.Security;

/// <summary>
/// A master's view of the cluster's role-scoped secrets: the admin secret (its token file) may do everything; the agent
/// secret (derived from the admin secret, or the rotated one the replicated state holds sealed) only registers agents.
/// The handshake asks it for the secret a client names, the API which role a bearer token has.
/// </summary>
internal sealed class RoleSecrets(ClusterSecret admin, Func<byte[]?> sealedAgentSecret)
{
    private readonly Lock _lock = new();
    private byte[]? _unsealedFrom;
    private string? _agent;
    private byte[]? _agentHash;

    public ClusterSecret Admin => admin;

    /// <summary>Why the state's rotated agent secret cannot be used (a wrong admin secret), or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>The current agent secret; null when the state holds one this master cannot unseal (see <see cref="Problem"/>).</summary>
    public string? AgentToken
    {
        get
        {
            var sealedNow = sealedAgentSecret();
            lock (_lock)
            {
                if (_agentHash is not null && ReferenceEquals(sealedNow, _unsealedFrom)) return _agent;
                _unsealedFrom = sealedNow;
                try
                {
                    _agent = sealedNow is null ? AgentSecret.Derive(admin.Key) : AgentSecret.Unseal(sealedNow, admin.Key);
                    Problem = null;
                }
                catch (CryptographicException e)
                {
                    _agent = null;
                    Problem = e.Message;
                }
                _agentHash = _agent is null ? [] : Hash(_agent);
                return _agent;
            }
        }
    }

    /// <summary>The secret a handshake client names by key; null for a key this master does not know.</summary>
    public byte[]? SecretFor(string key) => key switch
    {
        SecretKeys.Admin => admin.Key,
        SecretKeys.Agent => AgentToken is { } agent ? Encoding.UTF8.GetBytes(agent) : null,
        _ => null,
    };

    /// <summary>Whether a bearer token is the current agent secret (in constant time).</summary>
    public bool IsAgentToken(string token)
    {
        if (AgentToken is null) return false;
        byte[] current;
        lock (_lock) current = _agentHash!;
        return CryptographicOperations.FixedTimeEquals(Hash(token), current);
    }

    /// <summary>A new agent secret and its sealed form for SetAgentSecret.</summary>
    public (string Secret, byte[] Sealed) NewAgentSecret()
    {
        var secret = AgentSecret.Generate();
        return (secret, AgentSecret.Seal(secret, admin.Key));
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
