using System.Buffers.Binary;

namespace MiniMesos.Core.Compression;

/// <summary>
/// The literals section of a compressed zstd block (RFC 8878 section 3.1.1.3.1): raw, RLE, or Huffman-coded in one or
/// four streams, with a new tree or the frame's previous one (treeless).
/// </summary>
internal sealed class ZstdLiterals
{
    private readonly byte[] _buffer = new byte[ZstdWindow.MaxBlock];
    private readonly ZstdHuffmanTable _huffman = new();
    private bool _haveTree;

    /// <summary>A new frame: no tree to reuse.</summary>
    public void Reset() => _haveTree = false;

    /// <summary>Decodes the section at the front of <paramref name="block"/>; returns the bytes it took.</summary>
    public int Decode(ReadOnlySpan<byte> block, int maxSize, out ReadOnlySpan<byte> literals)
    {
        if (block.IsEmpty) throw new ZstdDataException("zstd: a block has no literals section");
        var type = block[0] & 3;
        var format = (block[0] >> 2) & 3;
        if (type < 2)
        {
            var (headerSize, size) = format switch
            {
                1 => (2, (block[0] >> 4) | (Byte(block, 1) << 4)),
                3 => (3, (block[0] >> 4) | (Byte(block, 1) << 4) | (Byte(block, 2) << 12)),
                _ => (1, block[0] >> 3),
            };
            if (size > maxSize) throw new ZstdDataException("zstd: a block has more literals than its maximum size");
            if (type == 0)
            {
                if (headerSize + size > block.Length) throw new ZstdDataException("zstd: a block's literals are truncated");
                literals = block.Slice(headerSize, size);
                return headerSize + size;
            }
            _buffer.AsSpan(0, size).Fill((byte)Byte(block, headerSize));
            literals = _buffer.AsSpan(0, size);
            return headerSize + 1;
        }
        var (header, width, streams) = format switch
        {
            0 => (3, 10, 1),
            1 => (3, 10, 4),
            2 => (4, 14, 4),
            _ => (5, 18, 4),
        };
        if (block.Length < header) throw new ZstdDataException("zstd: a block's literals header is truncated");
        Span<byte> raw = stackalloc byte[8];
        block[..header].CopyTo(raw);
        var value = BinaryPrimitives.ReadUInt64LittleEndian(raw);
        var regenerated = (int)((value >> 4) & ((1UL << width) - 1));
        var compressed = (int)((value >> (4 + width)) & ((1UL << width) - 1));
        if (regenerated > maxSize) throw new ZstdDataException("zstd: a block has more literals than its maximum size");
        if (header + compressed > block.Length) throw new ZstdDataException("zstd: a block's literals are truncated");
        var source = block.Slice(header, compressed);
        if (type == 2)
        {
            source = source[_huffman.Read(source)..];
            _haveTree = true;
        }
        else if (!_haveTree) throw new ZstdDataException("zstd: treeless literals with no earlier Huffman tree in the frame");
        var output = _buffer.AsSpan(0, regenerated);
        if (streams == 1) _huffman.Decode(source, output);
        else Four(source, output);
        literals = output;
        return header + compressed;
    }

    /// <summary>Four streams after a jump table of the first three's sizes; each regenerates a quarter (the last the rest).</summary>
    private void Four(ReadOnlySpan<byte> source, Span<byte> output)
    {
        if (source.Length < 6) throw new ZstdDataException("zstd: a literals jump table is truncated");
        var quarter = (output.Length + 3) / 4;
        if (3 * quarter > output.Length) throw new ZstdDataException("zstd: four literals streams for too few literals");
        var at = 6;
        for (var i = 0; i < 4; i++)
        {
            var size = i < 3 ? BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]) : source.Length - at;
            if (size < 0 || at + size > source.Length) throw new ZstdDataException("zstd: a literals jump table points past its streams");
            var part = i < 3 ? output.Slice(i * quarter, quarter) : output[(3 * quarter)..];
            _huffman.Decode(source.Slice(at, size), part);
            at += size;
        }
    }

    private static int Byte(ReadOnlySpan<byte> block, int at) =>
        at < block.Length ? block[at] : throw new ZstdDataException("zstd: a block's literals header is truncated");
}
