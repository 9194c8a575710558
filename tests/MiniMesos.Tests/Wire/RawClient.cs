using System.Security.Cryptography;
using MiniMesos.Net.Wire;

namespace MiniMesos.Tests.Wire;

/// <summary>A hand-driven handshake client, for recording sessions and playing attacker.</summary>
internal static class RawClient
{
    public sealed record Recording(byte[] Hello, byte[] Proof, byte[] ServerNonce);

    public static HandshakeMessage Hello(string node, string role, string cluster, int version, byte[] nonce) =>
        new(HandshakeMessage.Hello) { Version = version, Cluster = cluster, Node = node, Role = role, Nonce = nonce };

    /// <summary>Follows the protocol as documented, independently of Handshake.ClientAsync.</summary>
    public static async Task<Recording> LegitimateAsync(FramedConnection c, HandshakeOptions o, CancellationToken ct)
    {
        byte[] nonce = RandomNumberGenerator.GetBytes(32);
        byte[] hello = Hello(o.NodeId, o.Role, o.ClusterName, o.ProtocolVersion, nonce).Encode();
        await c.SendFrameAsync(hello, ct);
        var challenge = HandshakeMessage.Decode((await c.ReceiveFrameAsync(ct))!);
        byte[] expected = HandshakeProof.Compute(o.Secret, HandshakeProof.ServerLabel, o.ProtocolVersion, o.ClusterName,
            o.NodeId, o.Role, challenge.Node!, challenge.Role!, nonce, challenge.Nonce!, []);
        if (!expected.AsSpan().SequenceEqual(challenge.ProofBytes))
            throw new InvalidOperationException("server proof did not verify");
        byte[] proof = new HandshakeMessage(HandshakeMessage.Proof)
        {
            ProofBytes = HandshakeProof.Compute(o.Secret, HandshakeProof.ClientLabel, o.ProtocolVersion, o.ClusterName,
                o.NodeId, o.Role, challenge.Node!, challenge.Role!, nonce, challenge.Nonce!, []),
        }.Encode();
        await c.SendFrameAsync(proof, ct);
        var welcome = HandshakeMessage.Decode((await c.ReceiveFrameAsync(ct))!);
        if (welcome.Type != HandshakeMessage.Welcome)
            throw new InvalidOperationException("expected welcome, got " + welcome.Type);
        return new Recording(hello, proof, challenge.Nonce!);
    }
}
