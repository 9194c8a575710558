using System.Buffers.Binary;
using System.Numerics;

namespace MiniMesos.Core.Compression;

/// <summary>XXH64 with seed 0, fed in pieces: the content checksum of a zstd frame (RFC 8878 section 3.1.1).</summary>
internal sealed class Xxh64
{
    private const ulong P1 = 11400714785074694791, P2 = 14029467366897019727, P3 = 1609587929392839161;
    private const ulong P4 = 9650029242287828579, P5 = 2870177450012600261;
    private readonly byte[] _stripe = new byte[32];
    private int _buffered;
    private ulong _v1, _v2, _v3, _v4;
    private long _length;

    public Xxh64() => Reset();

    public void Reset()
    {
        _v1 = unchecked(P1 + P2);
        _v2 = P2;
        _v3 = 0;
        _v4 = unchecked(0 - P1);
        _buffered = 0;
        _length = 0;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        _length += data.Length;
        if (_buffered > 0)
        {
            var n = Math.Min(32 - _buffered, data.Length);
            data[..n].CopyTo(_stripe.AsSpan(_buffered));
            _buffered += n;
            data = data[n..];
            if (_buffered < 32) return;
            Stripe(_stripe);
            _buffered = 0;
        }
        while (data.Length >= 32)
        {
            Stripe(data);
            data = data[32..];
        }
        data.CopyTo(_stripe);
        _buffered = data.Length;
    }

    public ulong Digest()
    {
        ulong h;
        unchecked
        {
            if (_length >= 32)
            {
                h = BitOperations.RotateLeft(_v1, 1) + BitOperations.RotateLeft(_v2, 7) + BitOperations.RotateLeft(_v3, 12) + BitOperations.RotateLeft(_v4, 18);
                h = Merge(h, _v1);
                h = Merge(h, _v2);
                h = Merge(h, _v3);
                h = Merge(h, _v4);
            }
            else h = P5;
            h += (ulong)_length;
            ReadOnlySpan<byte> rest = _stripe.AsSpan(0, _buffered);
            for (; rest.Length >= 8; rest = rest[8..])
                h = BitOperations.RotateLeft(h ^ Round(0, BinaryPrimitives.ReadUInt64LittleEndian(rest)), 27) * P1 + P4;
            if (rest.Length >= 4)
            {
                h = BitOperations.RotateLeft(h ^ (BinaryPrimitives.ReadUInt32LittleEndian(rest) * P1), 23) * P2 + P3;
                rest = rest[4..];
            }
            foreach (var b in rest) h = BitOperations.RotateLeft(h ^ (b * P5), 11) * P1;
            h ^= h >> 33;
            h *= P2;
            h ^= h >> 29;
            h *= P3;
            h ^= h >> 32;
        }
        return h;
    }

    private void Stripe(ReadOnlySpan<byte> s)
    {
        _v1 = Round(_v1, BinaryPrimitives.ReadUInt64LittleEndian(s));
        _v2 = Round(_v2, BinaryPrimitives.ReadUInt64LittleEndian(s[8..]));
        _v3 = Round(_v3, BinaryPrimitives.ReadUInt64LittleEndian(s[16..]));
        _v4 = Round(_v4, BinaryPrimitives.ReadUInt64LittleEndian(s[24..]));
    }

    private static ulong Round(ulong acc, ulong lane) => unchecked(BitOperations.RotateLeft(acc + lane * P2, 31) * P1);

    private static ulong Merge(ulong h, ulong v) => unchecked((h ^ Round(0, v)) * P1 + P4);
}
