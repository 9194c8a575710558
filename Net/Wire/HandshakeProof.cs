using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MiniMesos.Net.Wire;

/// <summary>
/// The HMAC-SHA256 proofs. Each binds the label (so a server proof can never pass as a client proof),
/// the protocol version, the cluster name, both node ids and roles and both nonces (so no proof fits
/// another session) and the channel binding (the SHA-256 of the server's TLS certificate, so no proof passes through a
/// relay that terminates TLS with a certificate of its own). Layout in docs/protocol.md, "Handshake".
/// </summary>
internal static class HandshakeProof
{
    public const int NonceBytes = 32;
    public const int ProofBytes = 32;
    public const string ServerLabel = "minimesos/handshake/v1/server-proof";
    public const string ClientLabel = "minimesos/handshake/v1/client-proof";

    public static byte[] Compute(byte[] secret, string label, int version, string cluster,
        string clientNode, string clientRole, string serverNode, string serverRole,
        ReadOnlySpan<byte> clientNonce, ReadOnlySpan<byte> serverNonce, ReadOnlySpan<byte> binding)
    {
        byte[] message = Transcript(label, version, cluster, clientNode, clientRole, serverNode, serverRole, clientNonce, serverNonce, binding);
        return HMACSHA256.HashData(secret, message);
    }

    /// <summary>The exact bytes the HMAC covers; exposed so tests and docs can show them.</summary>
    public static byte[] Transcript(string label, int version, string cluster,
        string clientNode, string clientRole, string serverNode, string serverRole,
        ReadOnlySpan<byte> clientNonce, ReadOnlySpan<byte> serverNonce, ReadOnlySpan<byte> binding)
    {
        using var ms = new MemoryStream(256);
        WriteString(ms, label);
        Span<byte> u32 = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(u32, (uint)version);
        ms.Write(u32);
        WriteString(ms, cluster);
        WriteString(ms, clientNode);
        WriteString(ms, clientRole);
        WriteString(ms, serverNode);
        WriteString(ms, serverRole);
        WriteBytes(ms, clientNonce);
        WriteBytes(ms, serverNonce);
        WriteBytes(ms, binding);
        return ms.ToArray();
    }

    public static bool Matches(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual) =>
        actual.Length == expected.Length && CryptographicOperations.FixedTimeEquals(expected, actual);

    // Every field is length-prefixed (u32 big-endian), so no two different field lists give the same bytes.
    private static void WriteString(MemoryStream ms, string s) => WriteBytes(ms, Encoding.UTF8.GetBytes(s));

    private static void WriteBytes(MemoryStream ms, ReadOnlySpan<byte> b)
    {
        Span<byte> u32 = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(u32, (uint)b.Length);
        ms.Write(u32);
        ms.Write(b);
    }
}
