using System.Buffers.Binary;

namespace MiniMesos.Core.Compression;

/// <summary>
/// Reads an .xz file (hostile input) as the bytes it holds: the .xz container (stream header and footer, blocks, the
/// index, stream padding, concatenated streams) with LZMA2 as the only filter. A block's bytes are handed out as they
/// are decoded and its check (CRC32, CRC64 or SHA-256) is verified at its end: a bad check fails the read after the
/// block's last bytes, so a consumer must read to the end (0) before trusting what it got. Every header CRC, size and
/// the index are checked against what was decoded. Bounds: a dictionary of at most
/// <paramref name="maxDictionary"/> bytes, at most <paramref name="maxOutput"/> bytes out, and
/// <paramref name="cancel"/> checked between chunks (each at most 2 MiB out). Errors are InvalidDataException.
/// </summary>
internal sealed class XzDecoderStream(Stream input, long maxOutput, CancellationToken cancel, int maxDictionary = 64 << 20) : DecodingStream
{
    private static readonly byte[] HeaderMagic = [0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0];
    private readonly XzReader _input = new(input);
    private readonly Lzma2Decoder _lzma2 = new();
    private readonly List<(ulong Unpadded, ulong Uncompressed)> _records = [];
    private XzCheck? _check;
    private byte[] _streamFlags = [];
    private bool _inBlock, _done, _started;
    private int _blockHeaderSize;
    private long _blockStart;
    private ulong? _declaredCompressed, _declaredUncompressed;
    private ulong _blockOut;
    private long _total;

    protected override long Decoded => _total;

    /// <summary>One step: a header, one chunk, a block's end, or the end of a stream; false at the end of the file.</summary>
    protected override bool Advance()
    {
        cancel.ThrowIfCancellationRequested();
        if (_done) return false;
        if (!_started)
        {
            StreamHeader(null);
            _started = true;
            return true;
        }
        if (_check is null) return NextStream();
        if (!_inBlock)
        {
            var size = _input.Byte();
            if (size == 0) Index();
            else BlockHeader(size);
            return true;
        }
        var chunk = _lzma2.Next(_input);
        if (chunk.IsEmpty)
        {
            EndBlock();
            return true;
        }
        _check.Append(chunk.Span);
        _blockOut += (ulong)chunk.Length;
        _total += chunk.Length;
        if (_total > maxOutput) throw new InvalidDataException($"xz: unpacks to more than {maxOutput} bytes");
        Pending = chunk;
        return true;
    }

    private void StreamHeader(byte? first)
    {
        Span<byte> header = stackalloc byte[12];
        var from = 0;
        if (first is { } f)
        {
            header[0] = f;
            from = 1;
        }
        _input.Exactly(header[from..]);
        if (!header[..6].SequenceEqual(HeaderMagic)) throw new InvalidDataException("xz: not an .xz file (no xz magic bytes)");
        if (Crc32.Update(0, header[6..8]) != BinaryPrimitives.ReadUInt32LittleEndian(header[8..])) throw new InvalidDataException("xz: the stream header's CRC32 does not match");
        if (header[6] != 0 || (header[7] & 0xF0) != 0) throw new InvalidDataException("xz: unsupported stream flags");
        _streamFlags = header[6..8].ToArray();
        _check = XzCheck.For(header[7]);
        _records.Clear();
    }

    private void BlockHeader(byte sizeByte)
    {
        _blockStart = _input.Position - 1;
        _blockHeaderSize = (sizeByte + 1) * 4;
        var header = new byte[_blockHeaderSize];
        header[0] = sizeByte;
        _input.Exactly(header.AsSpan(1));
        if (Crc32.Update(0, header.AsSpan(0, header.Length - 4)) != BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(header.Length - 4)))
            throw new InvalidDataException("xz: a block header's CRC32 does not match");
        var flags = header[1];
        if ((flags & 0x3C) != 0) throw new InvalidDataException("xz: a block header has reserved flags set");
        var at = 2;
        var body = header.AsSpan(0, header.Length - 4);
        _declaredCompressed = (flags & 0x40) != 0 ? XzReader.VarInt(body, ref at) : null;
        _declaredUncompressed = (flags & 0x80) != 0 ? XzReader.VarInt(body, ref at) : null;
        if (_declaredCompressed == 0) throw new InvalidDataException("xz: a block declares a compressed size of 0");
        var filters = (flags & 3) + 1;
        var filter = XzReader.VarInt(body, ref at);
        var propsSize = XzReader.VarInt(body, ref at);
        if (filters != 1 || filter != 0x21)
            throw new InvalidDataException($"xz: only the LZMA2 filter is supported (this block has {filters} filter(s), the first 0x{filter:x}: made with a BCJ or delta filter?)");
        if (propsSize != 1 || at >= body.Length) throw new InvalidDataException("xz: LZMA2 filter properties must be one byte");
        var dictionary = Lzma2Decoder.DictionarySize(body[at++]) ?? throw new InvalidDataException("xz: invalid LZMA2 dictionary size");
        if (dictionary > maxDictionary) throw new InvalidDataException($"xz: a dictionary of {dictionary} bytes, more than the {maxDictionary} this unpacker allows");
        foreach (var b in body[at..])
            if (b != 0) throw new InvalidDataException("xz: a block header's padding is not zero");
        _lzma2.Start((int)dictionary);
        _check!.Start();
        _blockOut = 0;
        _inBlock = true;
    }

    private void EndBlock()
    {
        var compressed = (ulong)(_input.Position - _blockStart - _blockHeaderSize);
        if (_declaredCompressed is { } c && c != compressed) throw new InvalidDataException("xz: a block's compressed size does not match its header");
        if (_declaredUncompressed is { } u && u != _blockOut) throw new InvalidDataException("xz: a block's uncompressed size does not match its header");
        for (var i = compressed; i % 4 != 0; i++)
            if (_input.Byte() != 0) throw new InvalidDataException("xz: a block's padding is not zero");
        Span<byte> stored = stackalloc byte[_check!.Size];
        _input.Exactly(stored);
        if (!_check.Matches(stored)) throw new InvalidDataException("xz: a block's integrity check does not match its data (the file is corrupt)");
        _records.Add(((ulong)_blockHeaderSize + compressed + (ulong)_check.Size, _blockOut));
        _inBlock = false;
    }

    private void Index()
    {
        var seen = new List<byte> { 0 };
        if (_input.VarInt(seen) != (ulong)_records.Count) throw new InvalidDataException("xz: the index does not list the blocks decoded");
        foreach (var (unpadded, uncompressed) in _records)
            if (_input.VarInt(seen) != unpadded || _input.VarInt(seen) != uncompressed)
                throw new InvalidDataException("xz: the index does not match the blocks decoded");
        while (seen.Count % 4 != 0)
        {
            var b = _input.Byte();
            if (b != 0) throw new InvalidDataException("xz: the index's padding is not zero");
            seen.Add(b);
        }
        Span<byte> crc = stackalloc byte[4];
        _input.Exactly(crc);
        if (Crc32.Update(0, [.. seen]) != BinaryPrimitives.ReadUInt32LittleEndian(crc)) throw new InvalidDataException("xz: the index's CRC32 does not match");
        Span<byte> footer = stackalloc byte[12];
        _input.Exactly(footer);
        if (footer[10] != (byte)'Y' || footer[11] != (byte)'Z') throw new InvalidDataException("xz: the stream footer has no magic bytes");
        if (Crc32.Update(0, footer[4..10]) != BinaryPrimitives.ReadUInt32LittleEndian(footer)) throw new InvalidDataException("xz: the stream footer's CRC32 does not match");
        if (((long)BinaryPrimitives.ReadUInt32LittleEndian(footer[4..]) + 1) * 4 != seen.Count + 4) throw new InvalidDataException("xz: the stream footer's index size does not match");
        if (!footer[8..10].SequenceEqual(_streamFlags)) throw new InvalidDataException("xz: the stream footer's flags differ from the header's");
        _check = null;
    }

    /// <summary>After a stream: zero padding in multiples of four bytes, then the end of the file or another stream.</summary>
    private bool NextStream()
    {
        var padding = 0;
        while (!_input.AtEnd)
        {
            var b = _input.Byte();
            if (b == 0)
            {
                padding++;
                continue;
            }
            if (padding % 4 != 0) throw new InvalidDataException("xz: stream padding is not a multiple of four bytes");
            StreamHeader(b);
            return true;
        }
        if (padding % 4 != 0) throw new InvalidDataException("xz: stream padding is not a multiple of four bytes");
        _done = true;
        return false;
    }
}
