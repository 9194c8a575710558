using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Backup;

/// <summary>
/// The backup file of the cluster state. Layout (all integers little-endian):
/// <code>
/// magic "MMSNAP\r\n" (8) | format u16 | header length u32 | header (MessagePack) |
/// sealed length u64 | salt (16) | nonce (12) | ciphertext | GCM tag (16) | SHA-256 of everything before (32)
/// </code>
/// The state (StateSnapshotCodec bytes, which hold task and app environments, i.e. possibly secrets) is sealed with
/// AES-256-GCM under a key derived by HKDF-SHA256 from the cluster token and a random salt; the clear part
/// (magic, format, header) is the GCM associated data, so a changed header fails too. The SHA-256 trailer lets
/// anyone, without the token, tell a damaged or truncated file from a sound one.
/// </summary>
internal static class SnapshotFile
{
    /// <summary>Bump when the layout changes; an older binary refuses a newer file, never guesses.</summary>
    public const ushort Format = 1;

    public const string Extension = ".mmsnap";

    private const int SaltBytes = 16;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int HashBytes = 32;
    private const int MaxHeaderBytes = 64 * 1024;
    private static ReadOnlySpan<byte> Magic => "MMSNAP\r\n"u8;
    private static readonly byte[] KeyInfo = Encoding.ASCII.GetBytes("minimesos snapshot key v1");
    private static readonly byte[] KeyIdInfo = Encoding.ASCII.GetBytes("minimesos snapshot key id v1");

    /// <summary>The 8-byte key id of <paramref name="token"/>: tells "another cluster's token" from "damaged".</summary>
    public static byte[] KeyIdOf(string token) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(token), 8, salt: [], info: KeyIdInfo);

    /// <summary>The whole file for <paramref name="state"/> (StateSnapshotCodec bytes) described by <paramref name="header"/>.</summary>
    public static byte[] Write(SnapshotHeader header, ReadOnlySpan<byte> state, string token)
    {
        var clear = new ArrayBufferWriter<byte>(256);
        clear.Write(Magic);
        var fixedPart = clear.GetSpan(6);
        BinaryPrimitives.WriteUInt16LittleEndian(fixedPart, Format);
        clear.Advance(2);
        var encodedHeader = EncodeHeader(header);
        var lengthPart = clear.GetSpan(4);
        BinaryPrimitives.WriteUInt32LittleEndian(lengthPart, (uint)encodedHeader.Length);
        clear.Advance(4);
        clear.Write(encodedHeader);
        var aad = clear.WrittenSpan;

        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var sealedLength = SaltBytes + NonceBytes + state.Length + TagBytes;
        var file = new byte[aad.Length + 8 + sealedLength + HashBytes];
        aad.CopyTo(file);
        var at = aad.Length;
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(at), (ulong)sealedLength);
        at += 8;
        salt.CopyTo(file, at);
        nonce.CopyTo(file, at + SaltBytes);
        var cipher = file.AsSpan(at + SaltBytes + NonceBytes, state.Length);
        var tag = file.AsSpan(at + SaltBytes + NonceBytes + state.Length, TagBytes);
        using (var gcm = new AesGcm(DeriveKey(token, salt), TagBytes)) gcm.Encrypt(nonce, state, cipher, tag, aad);
        at += sealedLength;
        SHA256.HashData(file.AsSpan(0, at), file.AsSpan(at, HashBytes));
        return file;
    }

    /// <summary>Checks magic, format, lengths and checksum and returns the header; needs no token.</summary>
    public static SnapshotHeader ReadHeader(ReadOnlySpan<byte> file) => Parse(file).Header;

    /// <summary>Checks everything <see cref="ReadHeader"/> does, then decrypts the state with the key of <paramref name="token"/>.</summary>
    public static (SnapshotHeader Header, byte[] State) Open(ReadOnlySpan<byte> file, string token)
    {
        var (header, aadLength, sealedAt, sealedLength) = Parse(file);
        if (!CryptographicOperations.FixedTimeEquals(header.KeyId, KeyIdOf(token)))
            throw new SnapshotFileException("the snapshot was encrypted with another cluster token than the one given: use the token of " +
                "the cluster that wrote it (the CLI's --token/--token-file; a master's own token for an offline restore)");
        var sealedPart = file.Slice(sealedAt, sealedLength);
        var salt = sealedPart[..SaltBytes];
        var nonce = sealedPart.Slice(SaltBytes, NonceBytes);
        var cipher = sealedPart[(SaltBytes + NonceBytes)..^TagBytes];
        var tag = sealedPart[^TagBytes..];
        var state = new byte[cipher.Length];
        try
        {
            using var gcm = new AesGcm(DeriveKey(token, salt.ToArray()), TagBytes);
            gcm.Decrypt(nonce, cipher, tag, state, file[..aadLength]);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new SnapshotFileException("the snapshot's encrypted state fails its authentication check although its checksum " +
                "matches: it was altered after it was written; use another copy");
        }
        return (header, state);
    }

    private static (SnapshotHeader Header, int AadLength, int SealedAt, int SealedLength) Parse(ReadOnlySpan<byte> file)
    {
        const int fixedBytes = 8 + 2 + 4;
        if (file.Length < Magic.Length || !file[..Magic.Length].SequenceEqual(Magic))
            throw new SnapshotFileException("not a minimesos snapshot (it does not start with the snapshot magic bytes)");
        if (file.Length < fixedBytes) throw Truncated(file.Length);
        var format = BinaryPrimitives.ReadUInt16LittleEndian(file[8..]);
        if (format > Format)
            throw new SnapshotFileException($"the snapshot has format {format}, written by a newer minimesos; this one reads format " +
                $"{Format} and older: restore it with the version that wrote it (or a newer one)");
        if (format == 0) throw new SnapshotFileException("the snapshot has format 0, which no minimesos writes: the file is damaged");
        var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(file[10..]);
        if (headerLength > MaxHeaderBytes) throw new SnapshotFileException($"the snapshot header claims {headerLength} bytes: the file is damaged");
        var aadLength = fixedBytes + (int)headerLength;
        if (file.Length < aadLength + 8) throw Truncated(file.Length);
        var sealedLength = BinaryPrimitives.ReadUInt64LittleEndian(file[aadLength..]);
        var sealedAt = aadLength + 8;
        if (sealedLength < SaltBytes + NonceBytes + TagBytes || sealedLength > int.MaxValue)
            throw new SnapshotFileException($"the snapshot's state length {sealedLength} is impossible: the file is damaged");
        var expected = (long)sealedAt + (long)sealedLength + HashBytes;
        if (file.Length < expected) throw Truncated(file.Length, expected);
        if (file.Length > expected)
            throw new SnapshotFileException($"the snapshot has {file.Length - expected} bytes after its end: the file is damaged or two files were joined");
        var bodyLength = (int)(expected - HashBytes);
        Span<byte> hash = stackalloc byte[HashBytes];
        SHA256.HashData(file[..bodyLength], hash);
        if (!hash.SequenceEqual(file[bodyLength..]))
            throw new SnapshotFileException("the snapshot's SHA-256 checksum does not match its contents: the file is corrupt; use another copy");
        SnapshotHeader header;
        try
        {
            header = DecodeHeader(file.Slice(fixedBytes, (int)headerLength));
        }
        catch (MessagePackException e)
        {
            throw new SnapshotFileException($"the snapshot header is malformed ({e.Message}) although its checksum matches: it was not written by minimesos");
        }
        return (header, aadLength, sealedAt, (int)sealedLength);
    }

    private static SnapshotFileException Truncated(long length, long? expected = null) =>
        new($"the snapshot is truncated ({length} bytes{(expected is { } e ? $", its header announces {e}" : "")}): the copy was cut short; use another copy");

    private static byte[] DeriveKey(string token, byte[] salt) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(token), 32, salt, KeyInfo);

    private static byte[] EncodeHeader(SnapshotHeader h)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(8);
        w.WriteString(h.Cluster);
        w.WriteBinary(h.KeyId);
        w.WriteUInt64(h.Index);
        w.WriteUInt64(h.Term);
        w.WriteInt64(h.CreatedAtMs);
        w.WriteString(h.WrittenBy);
        w.WriteInt32(h.StateFormat);
        var c = h.Counts;
        w.WriteArrayHeader(7);
        foreach (var n in new[] { c.Apps, c.Tasks, c.LiveTasks, c.Jobs, c.Agents, c.Frameworks, c.Roles }) w.WriteInt32(n);
        return buffer.WrittenSpan.ToArray();
    }

    private static SnapshotHeader DecodeHeader(ReadOnlySpan<byte> bytes)
    {
        var r = new MessagePackReader(bytes);
        // Later formats may append header fields; format 1 has exactly these.
        if (r.ReadArrayHeader() < 8) throw new SnapshotFileException("the snapshot header has too few fields: the file is damaged");
        var cluster = r.ReadString() ?? "";
        var keyId = r.ReadBinary();
        var index = r.ReadUInt64();
        var term = r.ReadUInt64();
        var created = r.ReadInt64();
        var writtenBy = r.ReadString() ?? "";
        var stateFormat = r.ReadInt32();
        if (r.ReadArrayHeader() < 7) throw new SnapshotFileException("the snapshot header's counts are incomplete: the file is damaged");
        var counts = new SnapshotCounts(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
        return new SnapshotHeader(cluster, keyId, index, term, created, writtenBy, stateFormat, counts);
    }
}
