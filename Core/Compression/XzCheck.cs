using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MiniMesos.Core.Compression;

/// <summary>An xz block's integrity check over its uncompressed bytes: none, CRC32, CRC64 or SHA-256 (the stream header says which).</summary>
internal sealed class XzCheck
{
    private readonly int _type;
    private uint _crc32;
    private ulong _crc64;
    private IncrementalHash? _sha256;

    private XzCheck(int type) => _type = type;

    /// <summary>The check for the stream flags' check id; xz's reserved ids are refused (their bytes could not be verified).</summary>
    public static XzCheck For(int type) => type switch
    {
        0 or 1 or 4 or 10 => new XzCheck(type),
        _ => throw new InvalidDataException($"xz: unsupported integrity check type {type} (none, CRC32, CRC64 and SHA-256 are)"),
    };

    public int Size => _type switch { 1 => 4, 4 => 8, 10 => 32, _ => 0 };

    public void Start()
    {
        _crc32 = 0;
        _crc64 = 0;
        if (_type == 10)
        {
            _sha256?.Dispose();
            _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        switch (_type)
        {
            case 1: _crc32 = Crc32.Update(_crc32, data); break;
            case 4: _crc64 = Crc64.Update(_crc64, data); break;
            case 10: _sha256!.AppendData(data); break;
        }
    }

    /// <summary>Whether <paramref name="stored"/> (the bytes after the block) matches what was appended.</summary>
    public bool Matches(ReadOnlySpan<byte> stored)
    {
        switch (_type)
        {
            case 1: return BinaryPrimitives.ReadUInt32LittleEndian(stored) == _crc32;
            case 4: return BinaryPrimitives.ReadUInt64LittleEndian(stored) == _crc64;
            case 10:
                Span<byte> hash = stackalloc byte[32];
                _sha256!.GetHashAndReset(hash);
                return hash.SequenceEqual(stored);
            default: return true;
        }
    }
}
