using System.Security.Cryptography;
using System.Text;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Wire;

/// <summary>
/// Mutual authentication by proof of the shared cluster secret (which never crosses the wire):
/// hello (client nonce) -> challenge (server nonce + server proof) -> proof (client proof) -> welcome.
/// Whoever detects a problem sends "refused" with a reason and closes; both sides then throw
/// <see cref="HandshakeRefusedException"/>. On any failure the connection is closed.
/// Wire format: docs/protocol.md, "Handshake".
/// </summary>
internal static class Handshake
{
    private const int MaxNameBytes = 256;
    private const int MaxReasonChars = 200;

    /// <param name="binding">The channel binding both proofs cover: SHA-256 of the server's TLS certificate (docs/protocol.md,
    /// "TLS"), so a relay that terminates TLS itself cannot pass the proofs on; empty only without TLS (tests of the handshake).</param>
    public static Task<PeerInfo> ClientAsync(FramedConnection c, HandshakeOptions local, CancellationToken ct, byte[]? binding = null) =>
        RunAsync(c, local, server: false, binding ?? [], ct);

    public static Task<PeerInfo> ServerAsync(FramedConnection c, HandshakeOptions local, CancellationToken ct, byte[]? binding = null) =>
        RunAsync(c, local, server: true, binding ?? [], ct);

    private static async Task<PeerInfo> RunAsync(FramedConnection c, HandshakeOptions local, bool server, byte[] binding, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(local);
        local.Validate();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (local.Timeout != Timeout.InfiniteTimeSpan)
            timeout.CancelAfter(local.Timeout);
        var session = new Session(c, local, binding, timeout.Token);
        try
        {
            return server ? await ServerCoreAsync(session).ConfigureAwait(false) : await ClientCoreAsync(session).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            await c.DisposeAsync().ConfigureAwait(false);
            throw new WireException($"handshake with {session.Describe()} timed out after {local.Timeout.TotalSeconds:0.###} s");
        }
        catch
        {
            await c.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<PeerInfo> ClientCoreAsync(Session s)
    {
        HandshakeOptions local = s.Local;
        byte[] clientNonce = RandomNumberGenerator.GetBytes(HandshakeProof.NonceBytes);
        byte[] secret = local.CurrentSecret;
        var usedPrevious = false;
        await s.SendAsync(new HandshakeMessage(HandshakeMessage.Hello)
        {
            Version = local.ProtocolVersion,
            Cluster = local.ClusterName,
            Node = local.NodeId,
            Role = local.Role,
            Nonce = clientNonce,
            Build = local.Build.Length > 0 ? local.Build : null,
            Level = local.FeatureLevel > 0 ? local.FeatureLevel : null,
            Key = local.Key == HandshakeOptions.AdminKey ? null : local.Key,
            Kid = local.Key == HandshakeOptions.AdminKey ? Security.SecretKeys.KeyId(secret) : null,
        }).ConfigureAwait(false);

        HandshakeMessage challenge = await s.ReceiveAsync(HandshakeMessage.Challenge).ConfigureAwait(false);
        await s.CheckIdentityAsync(challenge).ConfigureAwait(false);
        if (challenge.Version != local.ProtocolVersion)
            await s.RefuseAsync($"protocol version mismatch: client speaks {local.ProtocolVersion}, server speaks {challenge.Version}").ConfigureAwait(false);
        if (challenge.Cluster != local.ClusterName)
            await s.RefuseAsync($"wrong cluster: client is in '{Clean(local.ClusterName)}', server is in '{Clean(challenge.Cluster!)}'").ConfigureAwait(false);
        byte[] serverNonce = await s.RequireBytesAsync(challenge.Nonce, "nonce", HandshakeProof.NonceBytes).ConfigureAwait(false);
        byte[] serverProof = await s.RequireBytesAsync(challenge.ProofBytes, "proof", HandshakeProof.ProofBytes).ConfigureAwait(false);
        if (CryptographicOperations.FixedTimeEquals(serverNonce, clientNonce))
            await s.RefuseAsync("malformed challenge: server nonce repeats the client nonce").ConfigureAwait(false);

        byte[] expected = HandshakeProof.Compute(secret, HandshakeProof.ServerLabel, local.ProtocolVersion, local.ClusterName,
            local.NodeId, local.Role, challenge.Node!, challenge.Role!, clientNonce, serverNonce, s.Binding);
        if (!HandshakeProof.Matches(expected, serverProof))
        {
            // A master that rotated the admin secret still speaks the previous one with a known master that has not caught up.
            var previous = local.Key == HandshakeOptions.AdminKey ? local.PreviousAdminFor?.Invoke(challenge.Node!, challenge.Role!) : null;
            if (previous is null || !HandshakeProof.Matches(HandshakeProof.Compute(previous, HandshakeProof.ServerLabel, local.ProtocolVersion,
                    local.ClusterName, local.NodeId, local.Role, challenge.Node!, challenge.Role!, clientNonce, serverNonce, s.Binding), serverProof))
                await s.RefuseAsync(WrongSecret(local.Key)).ConfigureAwait(false);
            secret = previous!;
            usedPrevious = true;
        }

        byte[] clientProof = HandshakeProof.Compute(secret, HandshakeProof.ClientLabel, local.ProtocolVersion, local.ClusterName,
            local.NodeId, local.Role, challenge.Node!, challenge.Role!, clientNonce, serverNonce, s.Binding);
        await s.SendAsync(new HandshakeMessage(HandshakeMessage.Proof) { ProofBytes = clientProof }).ConfigureAwait(false);
        await s.ReceiveAsync(HandshakeMessage.Welcome).ConfigureAwait(false);
        return new PeerInfo(challenge.Node!, challenge.Role!, challenge.Cluster!, local.ProtocolVersion, Clean(challenge.Build ?? ""), challenge.Level ?? 0,
            PreviousAdmin: usedPrevious);
    }

    private static async Task<PeerInfo> ServerCoreAsync(Session s)
    {
        HandshakeOptions local = s.Local;
        HandshakeMessage hello = await s.ReceiveAsync(HandshakeMessage.Hello).ConfigureAwait(false);
        await s.CheckIdentityAsync(hello).ConfigureAwait(false);
        byte[] clientNonce = await s.RequireBytesAsync(hello.Nonce, "nonce", HandshakeProof.NonceBytes).ConfigureAwait(false);
        if (hello.Version != local.ProtocolVersion)
            await s.RefuseAsync($"protocol version mismatch: client speaks {hello.Version}, server speaks {local.ProtocolVersion}").ConfigureAwait(false);
        if (hello.Cluster != local.ClusterName)
            await s.RefuseAsync($"wrong cluster: client is in '{Clean(hello.Cluster!)}', server is in '{Clean(local.ClusterName)}'").ConfigureAwait(false);

        // The secret the client says it holds: the admin secret may be any role, an agent secret only an agent.
        string key = hello.Key ?? HandshakeOptions.AdminKey;
        if (key != HandshakeOptions.AdminKey && key != HandshakeOptions.AgentKey)
            await s.RefuseAsync($"unknown key '{Clean(key)}': a token is an admin or an agent token").ConfigureAwait(false);
        if (key == HandshakeOptions.AgentKey && hello.Role != "agent")
            await s.RefuseAsync($"an agent token only registers an agent: role '{Clean(hello.Role!)}' needs the admin token").ConfigureAwait(false);
        byte[] secret = key == HandshakeOptions.AdminKey ? local.CurrentSecret : local.SecretFor?.Invoke(key) ?? [];
        var usedPrevious = false;
        if (secret.Length == 0)
            await s.RefuseAsync("this master accepts no agent token (its cluster secret cannot unseal the current one)").ConfigureAwait(false);
        if (key == HandshakeOptions.AdminKey && hello.Kid is { } kid && !kid.AsSpan().SequenceEqual(Security.SecretKeys.KeyId(secret)))
        {
            // The client holds another admin secret: the previous one is accepted from a known master within the grace period
            // (it catches up and learns the new one from the log); otherwise it is refused naming the rotation.
            if (local.PreviousAdminFor?.Invoke(hello.Node!, hello.Role!) is { } previous && kid.AsSpan().SequenceEqual(Security.SecretKeys.KeyId(previous)))
            {
                secret = previous;
                usedPrevious = true;
            }
            else if (local.PreviousAdminKeyId?.Invoke() is { } retired && kid.AsSpan().SequenceEqual(retired))
                await s.RefuseAsync($"the admin token was rotated: this {Clean(hello.Role!)} holds the previous one, which opens only a known master's " +
                    "link for a while after the rotation; give it the current token (`minimesos token show --admin` on a master)").ConfigureAwait(false);
        }

        byte[] serverNonce = RandomNumberGenerator.GetBytes(HandshakeProof.NonceBytes);
        byte[] serverProof = HandshakeProof.Compute(secret, HandshakeProof.ServerLabel, local.ProtocolVersion, local.ClusterName,
            hello.Node!, hello.Role!, local.NodeId, local.Role, clientNonce, serverNonce, s.Binding);
        await s.SendAsync(new HandshakeMessage(HandshakeMessage.Challenge)
        {
            Version = local.ProtocolVersion,
            Cluster = local.ClusterName,
            Node = local.NodeId,
            Role = local.Role,
            Nonce = serverNonce,
            ProofBytes = serverProof,
            Build = local.Build.Length > 0 ? local.Build : null,
            Level = local.FeatureLevel > 0 ? local.FeatureLevel : null,
        }).ConfigureAwait(false);

        HandshakeMessage proof = await s.ReceiveAsync(HandshakeMessage.Proof).ConfigureAwait(false);
        byte[] clientProof = await s.RequireBytesAsync(proof.ProofBytes, "proof", HandshakeProof.ProofBytes).ConfigureAwait(false);
        byte[] expected = HandshakeProof.Compute(secret, HandshakeProof.ClientLabel, local.ProtocolVersion, local.ClusterName,
            hello.Node!, hello.Role!, local.NodeId, local.Role, clientNonce, serverNonce, s.Binding);
        if (!HandshakeProof.Matches(expected, clientProof))
            await s.RefuseAsync(WrongSecret(key)).ConfigureAwait(false);
        await s.SendAsync(new HandshakeMessage(HandshakeMessage.Welcome)).ConfigureAwait(false);
        return new PeerInfo(hello.Node!, hello.Role!, hello.Cluster!, local.ProtocolVersion, Clean(hello.Build ?? ""), hello.Level ?? 0, key, usedPrevious);
    }

    private static string WrongSecret(string key) => key == HandshakeOptions.AgentKey
        ? "wrong agent token (rotated? `minimesos token show --agent` on a master prints the current one)"
        : "wrong cluster secret";

    /// <summary>Peer-supplied text in our log lines: bounded and without control characters.</summary>
    internal static string Clean(string text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, MaxReasonChars));
        foreach (char ch in text)
        {
            if (sb.Length >= MaxReasonChars)
            {
                sb.Append('…');
                break;
            }
            sb.Append(char.IsControl(ch) ? '?' : ch);
        }
        return sb.ToString();
    }

    private sealed class Session(FramedConnection connection, HandshakeOptions local, byte[] binding, CancellationToken token)
    {
        public HandshakeOptions Local => local;

        public byte[] Binding => binding;

        private string? PeerRole { get; set; }

        private string? PeerNode { get; set; }

        public string Describe() => PeerRole is null || PeerNode is null
            ? $"peer {connection.Remote}"
            : $"peer {connection.Remote} ({PeerRole} {PeerNode})";

        public ValueTask SendAsync(HandshakeMessage m) => connection.SendFrameAsync(m.Encode(), token);

        public async Task<HandshakeMessage> ReceiveAsync(string expectedType)
        {
            byte[] frame = await connection.ReceiveFrameAsync(HandshakeMessage.MaxFrameBytes, token).ConfigureAwait(false)
                ?? throw new WireException($"{Describe()} closed the connection during the handshake (expected '{expectedType}')");
            HandshakeMessage m;
            try
            {
                m = HandshakeMessage.Decode(frame);
            }
            catch (MessagePackException e)
            {
                await RefuseAsync($"malformed {expectedType}: {e.Message}").ConfigureAwait(false);
                throw; // not reached: RefuseAsync always throws
            }
            if (m.Type == HandshakeMessage.Refused)
            {
                // Names from a refusal are informative only; they never authenticate anything.
                if (PeerNode is null && m.Node is not null && m.Role is not null)
                {
                    PeerNode = Clean(m.Node);
                    PeerRole = Clean(m.Role);
                }
                await connection.DisposeAsync().ConfigureAwait(false);
                throw new HandshakeRefusedException(connection.Remote, PeerRole, PeerNode,
                    Clean(m.Reason ?? "no reason given"), refusedByPeer: true);
            }
            if (m.Type != expectedType)
                await RefuseAsync($"malformed handshake: expected '{expectedType}', got '{Clean(m.Type)}'").ConfigureAwait(false);
            return m;
        }

        /// <summary>Checks the peer's self-description fields and remembers them for log lines.</summary>
        public async Task CheckIdentityAsync(HandshakeMessage m)
        {
            if (!ValidName(m.Node) || !ValidName(m.Role) || !ValidName(m.Cluster) || m.Version is null)
                await RefuseAsync($"malformed {m.Type}: v, cluster, node and role are required (names 1..{MaxNameBytes} bytes)").ConfigureAwait(false);
            PeerNode = Clean(m.Node!);
            PeerRole = Clean(m.Role!);
        }

        public async Task<byte[]> RequireBytesAsync(byte[]? value, string field, int length)
        {
            if (value is null || value.Length != length)
                await RefuseAsync($"malformed handshake: '{field}' must be {length} bytes of bin").ConfigureAwait(false);
            return value!;
        }

        /// <summary>Tells the peer why (best effort), closes, and throws.</summary>
        public async Task RefuseAsync(string reason)
        {
            try
            {
                var refused = new HandshakeMessage(HandshakeMessage.Refused) { Reason = reason, Node = local.NodeId, Role = local.Role };
                await connection.SendFrameAsync(refused.Encode(), token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WireException or OperationCanceledException or ObjectDisposedException)
            {
                // The peer may already be gone; our own refusal still stands.
            }
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new HandshakeRefusedException(connection.Remote, PeerRole, PeerNode, reason, refusedByPeer: false);
        }

        private static bool ValidName(string? s) => !string.IsNullOrEmpty(s) && Encoding.UTF8.GetByteCount(s) <= MaxNameBytes;
    }
}
