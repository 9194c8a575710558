using System.Security.Cryptography;
using System.Text;
using MiniMesos.Core.State;

namespace MiniMesos.Net.Security;

/// <summary>
/// A master's view of the cluster's role-scoped secrets: the admin secret (its token file, until a rotation replaces it)
/// may do everything; the agent secret (derived from the admin secret, or the rotated one the replicated state holds
/// sealed) only registers agents. The handshake asks it for the secret a client names, the API which role a bearer token
/// has. It follows the state: when the state's latest admin rotation is sealed under the secret this master holds, the
/// master takes the new secret (and keeps the previous one for known masters for <see cref="PreviousGrace"/>).
/// </summary>
internal sealed class RoleSecrets(ClusterSecret admin, Func<byte[]?> sealedAgentSecret, Func<AdminRotationRecord?>? adminRotation = null,
    TimeProvider? time = null)
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private ClusterSecret _admin = admin;
    private ClusterSecret? _previous;
    private long _rotatedAtMs;
    private AdminRotationRecord? _seenRotation;
    private byte[]? _unsealedFrom;
    private ClusterSecret? _unsealedWith;
    private string? _agent;
    private byte[]? _agentHash;

    /// <summary>How long after a rotation the previous admin secret still opens a master-to-master link (never anything else).</summary>
    public TimeSpan PreviousGrace { get; init; } = AdminSecret.DefaultGrace;

    /// <summary>Whether a node id is a master of this cluster (a voter): only those may use the previous admin secret.</summary>
    public Func<string, bool>? IsMaster { get; set; }

    /// <summary>The current admin secret.</summary>
    public ClusterSecret Admin
    {
        get
        {
            Advance();
            lock (_lock) return _admin;
        }
    }

    /// <summary>Why this master cannot follow the state's admin rotation (it holds neither the current nor the previous secret), or null.</summary>
    public string? AdminProblem { get; private set; }

    /// <summary>When the admin secret this master replaced was rotated out (null: no rotation seen by this process).</summary>
    public DateTimeOffset? RotatedAt
    {
        get
        {
            Advance();
            lock (_lock) return _previous is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(_rotatedAtMs);
        }
    }

    /// <summary>Why the state's rotated agent secret cannot be used (a wrong admin secret), or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>The current agent secret; null when the state holds one this master cannot unseal (see <see cref="Problem"/>).</summary>
    public string? AgentToken
    {
        get
        {
            var key = Admin;
            var sealedNow = sealedAgentSecret();
            lock (_lock)
            {
                if (_agentHash is not null && ReferenceEquals(sealedNow, _unsealedFrom) && ReferenceEquals(key, _unsealedWith)) return _agent;
                _unsealedFrom = sealedNow;
                _unsealedWith = key;
                try
                {
                    _agent = sealedNow is null ? AgentSecret.Derive(key.Key) : AgentSecret.Unseal(sealedNow, key.Key);
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
        SecretKeys.Admin => Admin.Key,
        SecretKeys.Agent => AgentToken is { } agent ? Encoding.UTF8.GetBytes(agent) : null,
        _ => null,
    };

    /// <summary>
    /// The previous admin secret for a link with <paramref name="node"/> in <paramref name="role"/>: only a master that is
    /// a voter, only within <see cref="PreviousGrace"/> of the rotation; null otherwise.
    /// </summary>
    public byte[]? PreviousAdminFor(string node, string role)
    {
        Advance();
        lock (_lock)
        {
            if (_previous is null || role != "master") return null;
            if (_time.GetUtcNow().ToUnixTimeMilliseconds() > _rotatedAtMs + (long)PreviousGrace.TotalMilliseconds) return null;
        }
        if (IsMaster?.Invoke(node) != true) return null;
        lock (_lock) return _previous?.Key;
    }

    /// <summary>The key id of the admin secret this master replaced (null: none), to name it in a refusal.</summary>
    public byte[]? PreviousAdminKeyId()
    {
        Advance();
        lock (_lock) return _previous is null ? null : SecretKeys.KeyId(_previous.Key);
    }

    /// <summary>Whether a bearer token is the admin token a rotation replaced (to say so when refusing it).</summary>
    public bool IsPreviousAdminToken(string token)
    {
        Advance();
        ClusterSecret? previous;
        lock (_lock) previous = _previous;
        return previous is not null && CryptographicOperations.FixedTimeEquals(Hash(token), Hash(previous.Token));
    }

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
        return (secret, AgentSecret.Seal(secret, Admin.Key));
    }

    /// <summary>
    /// A new admin secret and the SetAdminSecret entry that installs it: the new secret sealed under the current one, the
    /// CA's key and the agent secret (the derived one pinned, so agent tokens stay valid) re-sealed under the new one.
    /// </summary>
    public (ClusterSecret Secret, SetAdminSecret Command) NewAdminSecret(ClusterCaRecord ca, long atMs)
    {
        var current = Admin;
        var agent = AgentToken ?? throw new CryptographicException(Problem ?? "this master has no agent secret");
        var next = new ClusterSecret(ClusterSecret.Generate(), "the rotated admin token");
        return (next, new SetAdminSecret(atMs, AdminSecret.Record(current, next, atMs), ClusterCa.Reseal(ca, current.Key, next.Key),
            AgentSecret.Seal(agent, next.Key)));
    }

    /// <summary>Takes the state's latest rotation when it is sealed under the admin secret this master holds.</summary>
    private void Advance()
    {
        var rotation = adminRotation?.Invoke();
        lock (_lock)
        {
            if (ReferenceEquals(rotation, _seenRotation)) return;
            _seenRotation = rotation;
            if (rotation is null) return;
            var held = SecretKeys.KeyId(_admin.Key);
            if (held.AsSpan().SequenceEqual(rotation.NewKeyId))
            {
                AdminProblem = null;
                return;
            }
            if (!held.AsSpan().SequenceEqual(rotation.PreviousKeyId))
            {
                AdminProblem = "this master's admin token is neither the cluster's current one nor the one the latest rotation replaced (rotated more " +
                    "than once while this master was away?): give it the current token (`minimesos token show --admin` on another master)";
                return;
            }
            try
            {
                var next = AdminSecret.Unseal(rotation, _admin, _admin.Source);
                _previous = _admin;
                _rotatedAtMs = rotation.AtMs;
                _admin = next;
                AdminProblem = null;
            }
            catch (CryptographicException e)
            {
                AdminProblem = e.Message;
            }
        }
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
