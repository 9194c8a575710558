using System.Buffers;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Wire;

/// <summary>
/// One handshake message: a MessagePack map with string keys; "t" is the type (hello, challenge, proof,
/// welcome, refused). Unknown keys are ignored so later versions can add fields.
/// </summary>
internal sealed record HandshakeMessage(string Type)
{
    public const string Hello = "hello";
    public const string Challenge = "challenge";
    public const string Proof = "proof";
    public const string Welcome = "welcome";
    public const string Refused = "refused";

    /// <summary>Handshake frames are small; an unauthenticated peer gets no more than this.</summary>
    public const int MaxFrameBytes = 4096;

    private static readonly MessagePackLimits Limits = new()
    {
        MaxDepth = 2,
        MaxStringBytes = 1024,
        MaxBinaryBytes = 256,
        MaxExtensionBytes = 256,
        MaxCollectionCount = 64,
        MaxFrameBytes = MaxFrameBytes,
    };

    public int? Version { get; init; }
    public string? Cluster { get; init; }
    public string? Node { get; init; }
    public string? Role { get; init; }
    public byte[]? Nonce { get; init; }
    public byte[]? ProofBytes { get; init; }
    public string? Reason { get; init; }

    /// <summary>The sender's minimesos version (hello, challenge); older versions send none and ignore it.</summary>
    public string? Build { get; init; }

    /// <summary>The sender's feature level (hello, challenge); older versions send none and ignore it.</summary>
    public int? Level { get; init; }

    /// <summary>Which secret the client proves (hello): "agent" for an agent token; absent means the admin secret.</summary>
    public string? Key { get; init; }

    /// <summary>
    /// The 8-byte key id of the admin secret the client proves (hello; Net.Security.SecretKeys.KeyId): lets a master that
    /// rotated the admin secret answer a known master still holding the previous one, and name an old token when refusing it.
    /// </summary>
    public byte[]? Kid { get; init; }

    public byte[] Encode()
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var w = new MessagePackWriter(buffer);
        int count = 1 + (Version is null ? 0 : 1) + (Cluster is null ? 0 : 1) + (Node is null ? 0 : 1) + (Role is null ? 0 : 1)
            + (Nonce is null ? 0 : 1) + (ProofBytes is null ? 0 : 1) + (Reason is null ? 0 : 1) + (Build is null ? 0 : 1) + (Level is null ? 0 : 1)
            + (Key is null ? 0 : 1) + (Kid is null ? 0 : 1);
        w.WriteMapHeader(count);
        w.WriteString("t");
        w.WriteString(Type);
        if (Version is int v) { w.WriteString("v"); w.WriteInt64(v); }
        if (Cluster is not null) { w.WriteString("cluster"); w.WriteString(Cluster); }
        if (Node is not null) { w.WriteString("node"); w.WriteString(Node); }
        if (Role is not null) { w.WriteString("role"); w.WriteString(Role); }
        if (Nonce is not null) { w.WriteString("nonce"); w.WriteBinary(Nonce); }
        if (ProofBytes is not null) { w.WriteString("proof"); w.WriteBinary(ProofBytes); }
        if (Reason is not null) { w.WriteString("reason"); w.WriteString(Reason); }
        if (Build is not null) { w.WriteString("build"); w.WriteString(Build); }
        if (Level is int l) { w.WriteString("level"); w.WriteInt64(l); }
        if (Key is not null) { w.WriteString("key"); w.WriteString(Key); }
        if (Kid is not null) { w.WriteString("kid"); w.WriteBinary(Kid); }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes one message; throws MessagePackException when it is not a well-formed map of known field types.</summary>
    public static HandshakeMessage Decode(ReadOnlySpan<byte> payload)
    {
        var r = new MessagePackReader(payload, Limits);
        int count = r.ReadMapHeader();
        string? type = null, cluster = null, node = null, role = null, reason = null, build = null, key = null;
        int? version = null, level = null;
        byte[]? nonce = null, proof = null, kid = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            int keyAt = r.Consumed;
            string name = r.ReadString() ?? throw new MessagePackException("expected a string key, found nil", keyAt);
            if (!seen.Add(name))
                throw new MessagePackException($"duplicate key '{name}'", keyAt);
            switch (name)
            {
                case "t": type = r.ReadString(); break;
                case "v": version = r.ReadInt32(); break;
                case "cluster": cluster = r.ReadString(); break;
                case "node": node = r.ReadString(); break;
                case "role": role = r.ReadString(); break;
                case "nonce": nonce = r.ReadBinary(); break;
                case "proof": proof = r.ReadBinary(); break;
                case "reason": reason = r.ReadString(); break;
                case "build": build = r.ReadString(); break;
                case "level": level = r.ReadInt32(); break;
                case "key": key = r.ReadString(); break;
                case "kid": kid = r.ReadBinary(); break;
                default: r.Skip(); break;
            }
        }
        if (!r.End)
            throw new MessagePackException($"{r.Remaining} bytes after the message map", r.Consumed);
        if (type is null)
            throw new MessagePackException("message has no \"t\" (type) field");
        return new HandshakeMessage(type)
        {
            Version = version,
            Cluster = cluster,
            Node = node,
            Role = role,
            Nonce = nonce,
            ProofBytes = proof,
            Reason = reason,
            Build = build,
            Level = level,
            Key = key,
            Kid = kid,
        };
    }
}
