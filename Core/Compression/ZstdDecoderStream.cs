using System.Buffers.Binary;

namespace MiniMesos.Core.Compression;

/// <summary>
/// Reads zstd data (RFC 8878; hostile input) as the bytes it holds: one or more frames, skippable frames skipped, each
/// block's bytes handed out as they are decoded. A frame's declared content size and its content checksum (XXH64) are
/// verified at its end: a bad one fails the read after the frame's last bytes, so a consumer must read to the end (0)
/// before trusting what it got. Frames that need a dictionary are refused. Bounds: a window of at most
/// <paramref name="maxWindow"/> bytes (zstd's own default limit, 128 MiB), at most <paramref name="maxOutput"/> bytes
/// out, and <paramref name="cancel"/> checked between blocks (each at most 128 KiB out). Errors are ZstdDataException.
/// </summary>
internal sealed class ZstdDecoderStream(Stream input, long maxOutput, CancellationToken cancel, int maxWindow = 128 << 20) : DecodingStream
{
    private const uint FrameMagic = 0xFD2FB528;
    private readonly ZstdWindow _window = new();
    private readonly ZstdLiterals _literals = new();
    private readonly ZstdSequences _sequences = new();
    private readonly Xxh64 _hash = new();
    private readonly byte[] _compressed = new byte[ZstdWindow.MaxBlock];
    private bool _inFrame, _lastBlock, _checksum, _done, _started;
    private long? _contentSize;
    private long _frameOut, _total;

    protected override long Decoded => _total;

    /// <summary>One step: a frame header, one block, or a frame's end; false at the end of the data.</summary>
    protected override bool Advance()
    {
        cancel.ThrowIfCancellationRequested();
        if (_done) return false;
        if (!_inFrame) return NextFrame();
        if (_lastBlock)
        {
            EndFrame();
            return true;
        }
        Block();
        return true;
    }

    private bool NextFrame()
    {
        Span<byte> magic = stackalloc byte[4];
        var got = input.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (got == 0)
        {
            if (!_started) throw new ZstdDataException("zstd: the data is empty");
            _done = true;
            return false;
        }
        if (got < 4) throw Truncated();
        _started = true;
        var value = BinaryPrimitives.ReadUInt32LittleEndian(magic);
        if ((value & 0xFFFFFFF0) == 0x184D2A50)
        {
            Exactly(magic);
            Skip(BinaryPrimitives.ReadUInt32LittleEndian(magic));
            return true;
        }
        if (value != FrameMagic) throw new ZstdDataException("zstd: not zstd data (no zstd magic bytes)");
        FrameHeader();
        return true;
    }

    private void FrameHeader()
    {
        Span<byte> header = stackalloc byte[14];
        Exactly(header[..1]);
        var descriptor = header[0];
        var singleSegment = (descriptor & 0x20) != 0;
        if ((descriptor & 0x08) != 0) throw new ZstdDataException("zstd: a frame header has its reserved bit set");
        var dictionaryBytes = (descriptor & 3) switch { 0 => 0, 1 => 1, 2 => 2, _ => 4 };
        var sizeBytes = (descriptor >> 6) switch { 0 => singleSegment ? 1 : 0, 1 => 2, 2 => 4, _ => 8 };
        var rest = header[..((singleSegment ? 0 : 1) + dictionaryBytes + sizeBytes)];
        Exactly(rest);
        long window = 0;
        if (!singleSegment)
        {
            var exponent = rest[0] >> 3;
            var windowBase = 1L << (10 + exponent);
            window = windowBase + windowBase / 8 * (rest[0] & 7);
            rest = rest[1..];
        }
        ulong dictionary = 0;
        for (var i = dictionaryBytes - 1; i >= 0; i--) dictionary = (dictionary << 8) | rest[i];
        if (dictionary != 0) throw new ZstdDataException($"zstd: the frame needs dictionary {dictionary}, and none is supported");
        rest = rest[dictionaryBytes..];
        _contentSize = null;
        if (sizeBytes > 0)
        {
            ulong size = 0;
            for (var i = sizeBytes - 1; i >= 0; i--) size = (size << 8) | rest[i];
            if (sizeBytes == 2) size += 256;
            if (size > long.MaxValue) throw new ZstdDataException("zstd: a frame declares an impossible content size");
            _contentSize = (long)size;
            if (singleSegment) window = (long)size;
        }
        if (window > maxWindow)
            throw new ZstdDataException($"zstd: the frame needs a window of {window} bytes, more than the {maxWindow} this unpacker allows (made with --long?)");
        _window.Reset((int)window);
        _literals.Reset();
        _sequences.Reset();
        _checksum = (descriptor & 0x04) != 0;
        _hash.Reset();
        _frameOut = 0;
        _lastBlock = false;
        _inFrame = true;
    }

    private void Block()
    {
        Span<byte> header = stackalloc byte[4];
        Exactly(header[..3]);
        var value = BinaryPrimitives.ReadUInt32LittleEndian(header);
        _lastBlock = (value & 1) != 0;
        var type = (value >> 1) & 3;
        var size = (int)(value >> 3);
        _window.StartBlock();
        switch (type)
        {
            case 0:
                if (size > _window.BlockMax) throw new ZstdDataException("zstd: a raw block larger than the frame's maximum block size");
                Exactly(_compressed.AsSpan(0, size));
                _window.Append(_compressed.AsSpan(0, size));
                break;
            case 1:
                Exactly(header[..1]);
                _window.Repeat(header[0], size);
                break;
            case 2:
                if (size > _window.BlockMax) throw new ZstdDataException("zstd: a compressed block larger than the frame's maximum block size");
                var block = _compressed.AsSpan(0, size);
                Exactly(block);
                var used = _literals.Decode(block, _window.BlockMax, out var literals);
                _sequences.Execute(block[used..], literals, _window);
                break;
            default:
                throw new ZstdDataException("zstd: a block of the reserved type 3 (the data is corrupt)");
        }
        _window.EndBlock();
        var output = _window.Block;
        _frameOut += output.Length;
        _total += output.Length;
        if (_total > maxOutput) throw new ZstdDataException($"zstd: unpacks to more than {maxOutput} bytes");
        if (_contentSize is { } declared && _frameOut > declared) throw new ZstdDataException("zstd: a frame holds more than its declared content size");
        if (_checksum) _hash.Append(output.Span);
        Pending = output;
    }

    private void EndFrame()
    {
        if (_contentSize is { } declared && _frameOut != declared)
            throw new ZstdDataException($"zstd: a frame holds {_frameOut} bytes, its header says {declared}");
        if (_checksum)
        {
            Span<byte> stored = stackalloc byte[4];
            Exactly(stored);
            if (BinaryPrimitives.ReadUInt32LittleEndian(stored) != (uint)_hash.Digest())
                throw new ZstdDataException("zstd: a frame's content checksum does not match its data (the data is corrupt)");
        }
        _inFrame = false;
    }

    private void Exactly(Span<byte> into)
    {
        if (input.ReadAtLeast(into, into.Length, throwOnEndOfStream: false) < into.Length) throw Truncated();
    }

    private void Skip(uint length)
    {
        var buffer = _compressed.AsSpan();
        for (long left = length; left > 0; left -= buffer.Length)
        {
            cancel.ThrowIfCancellationRequested();
            Exactly(buffer[..(int)Math.Min(left, buffer.Length)]);
        }
    }

    private static ZstdDataException Truncated() => new("zstd: the data is truncated");
}
