using System.Numerics;

namespace MiniMesos.Core.Compression;

/// <summary>
/// The Huffman table of zstd's literals (RFC 8878 section 4.2): read from a tree description (weights, direct or
/// FSE-compressed), kept for the following blocks' treeless literals, and decoding one stream into literals.
/// </summary>
internal sealed class ZstdHuffmanTable
{
    private const int MaxBits = 11;
    private readonly byte[] _symbols = new byte[1 << MaxBits];
    private readonly byte[] _lengths = new byte[1 << MaxBits];
    private readonly ZstdFseTable _weightTable = new();
    private int _maxBits;

    /// <summary>Reads a tree description from the front of <paramref name="source"/> and returns the bytes it took.</summary>
    public int Read(ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty) throw new ZstdDataException("zstd: a Huffman tree description is missing");
        Span<byte> weights = stackalloc byte[256];
        int count, used;
        var header = source[0];
        if (header >= 128)
        {
            count = header - 127;
            used = 1 + (count + 1) / 2;
            if (used > source.Length) throw new ZstdDataException("zstd: a Huffman tree description is truncated");
            for (var i = 0; i < count; i++) weights[i] = (byte)(i % 2 == 0 ? source[1 + i / 2] >> 4 : source[1 + i / 2] & 15);
        }
        else
        {
            used = 1 + header;
            if (used > source.Length || header == 0) throw new ZstdDataException("zstd: a Huffman tree description is truncated");
            var compressed = source[1..used];
            var tableBytes = _weightTable.Read(compressed, maxLog: 6, maxSymbol: 255);
            count = DecodeWeights(compressed[tableBytes..], weights);
        }
        Build(weights[..count]);
        return used;
    }

    /// <summary>The weights' two interleaved FSE states, until the bitstream is read past its start.</summary>
    private int DecodeWeights(ReadOnlySpan<byte> stream, Span<byte> weights)
    {
        var bits = new ZstdBackwardBits(stream);
        var first = (int)bits.Read(_weightTable.Log);
        var second = (int)bits.Read(_weightTable.Log);
        var count = 0;
        while (true)
        {
            if (count + 2 > 255) throw new ZstdDataException("zstd: a Huffman tree has too many weights");
            weights[count++] = _weightTable.Symbol(first);
            first = _weightTable.Next(first, ref bits);
            if (bits.Remaining < 0)
            {
                weights[count++] = _weightTable.Symbol(second);
                return count;
            }
            weights[count++] = _weightTable.Symbol(second);
            second = _weightTable.Next(second, ref bits);
            if (bits.Remaining < 0)
            {
                weights[count++] = _weightTable.Symbol(first);
                return count;
            }
        }
    }

    /// <summary>The table from the given weights; the last symbol's weight is implied (it completes a power of two).</summary>
    private void Build(ReadOnlySpan<byte> given)
    {
        Span<byte> weights = stackalloc byte[256];
        given.CopyTo(weights);
        var total = 0;
        foreach (var w in given)
        {
            if (w > MaxBits) throw new ZstdDataException($"zstd: a Huffman weight of {w}, above {MaxBits}");
            if (w > 0) total += 1 << (w - 1);
        }
        if (total == 0) throw new ZstdDataException("zstd: a Huffman tree has no symbol");
        var maxBits = 32 - BitOperations.LeadingZeroCount((uint)total);
        var rest = (1 << maxBits) - total;
        if (maxBits > MaxBits || !BitOperations.IsPow2(rest)) throw new ZstdDataException("zstd: a Huffman tree's weights do not form a complete tree");
        weights[given.Length] = (byte)(BitOperations.Log2((uint)rest) + 1);
        var symbols = given.Length + 1;
        Span<int> start = stackalloc int[MaxBits + 2];
        for (var s = 0; s < symbols; s++)
            if (weights[s] > 0) start[weights[s] + 1] += 1 << (weights[s] - 1);
        for (var w = 2; w <= MaxBits + 1; w++) start[w] += start[w - 1];
        for (var s = 0; s < symbols; s++)
        {
            var w = weights[s];
            if (w == 0) continue;
            var length = (byte)(maxBits + 1 - w);
            var at = start[w];
            _symbols.AsSpan(at, 1 << (w - 1)).Fill((byte)s);
            _lengths.AsSpan(at, 1 << (w - 1)).Fill(length);
            start[w] = at + (1 << (w - 1));
        }
        _maxBits = maxBits;
    }

    /// <summary>Decodes one Huffman stream into exactly <paramref name="output"/>'s length of literals.</summary>
    public void Decode(ReadOnlySpan<byte> stream, Span<byte> output)
    {
        var bits = new ZstdBackwardBits(stream);
        for (var i = 0; i < output.Length; i++)
        {
            var index = (int)bits.Peek(_maxBits);
            output[i] = _symbols[index];
            bits.Skip(_lengths[index]);
        }
        if (bits.Remaining != 0) throw new ZstdDataException("zstd: a Huffman literals stream does not end where its literals do");
    }
}
