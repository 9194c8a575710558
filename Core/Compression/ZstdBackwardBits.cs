using System.Buffers.Binary;
using System.Numerics;

namespace MiniMesos.Core.Compression;

/// <summary>
/// A zstd bitstream read backwards (RFC 8878 section 4.1): it is written forwards and ends with a marker bit, so reading
/// starts just below the last byte's highest set bit and goes towards the first byte's lowest bit. Reading past the
/// start yields zero bits and leaves <see cref="Remaining"/> negative, which the caller treats as corrupt data.
/// </summary>
internal ref struct ZstdBackwardBits
{
    private readonly ReadOnlySpan<byte> _data;

    public ZstdBackwardBits(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || data[^1] == 0) throw new ZstdDataException("zstd: a bitstream has no end marker (the data is corrupt)");
        _data = data;
        Remaining = (data.Length - 1) * 8L + (31 - BitOperations.LeadingZeroCount((uint)data[^1]));
    }

    /// <summary>Bits not read yet; 0 when the stream was read exactly, negative when read past its start.</summary>
    public long Remaining { get; private set; }

    /// <summary>The next <paramref name="count"/> bits (at most 56) without consuming them.</summary>
    public readonly ulong Peek(int count)
    {
        if (count == 0) return 0;
        var start = Remaining - count;
        if (start >= 0) return Load(start, count);
        return Remaining <= 0 ? 0 : Load(0, (int)Remaining) << (int)-start;
    }

    public void Skip(int count) => Remaining -= count;

    public ulong Read(int count)
    {
        var value = Peek(count);
        Remaining -= count;
        return value;
    }

    private readonly ulong Load(long start, int count)
    {
        var at = (int)(start >> 3);
        var shift = (int)(start & 7);
        ulong word;
        if (at + 8 <= _data.Length) word = BinaryPrimitives.ReadUInt64LittleEndian(_data[at..]);
        else
        {
            word = 0;
            for (var i = _data.Length - 1; i >= at; i--) word = (word << 8) | _data[i];
        }
        return (word >> shift) & ((1UL << count) - 1);
    }
}
