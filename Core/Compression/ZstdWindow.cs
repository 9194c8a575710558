namespace MiniMesos.Core.Compression;

/// <summary>
/// A zstd frame's output: the block being decoded, and the history before it (the last window-size bytes, as a ring
/// that grows as it fills, so a small layer with a large declared window costs only what it unpacks). A match may
/// reach into the history and on into the block. A block is at most its maximum size; a match reaching before the
/// data kept is corrupt data.
/// </summary>
internal sealed class ZstdWindow
{
    public const int MaxBlock = 128 << 10;
    private readonly byte[] _block = new byte[MaxBlock];
    private byte[] _ring = [];
    private int _windowSize, _blockMax, _head, _filled, _length;

    /// <summary>The current block's bytes so far.</summary>
    public ReadOnlyMemory<byte> Block => _block.AsMemory(0, _length);

    /// <summary>A block's maximum size in this frame: its window size, at most 128 KiB.</summary>
    public int BlockMax => _blockMax;

    /// <summary>Empties the window for a frame of <paramref name="windowSize"/> bytes.</summary>
    public void Reset(int windowSize)
    {
        _windowSize = windowSize;
        _blockMax = Math.Min(MaxBlock, windowSize);
        if (_ring.Length > windowSize) _ring = [];
        _head = _filled = _length = 0;
    }

    public void StartBlock() => _length = 0;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        Room(bytes.Length);
        bytes.CopyTo(_block.AsSpan(_length));
        _length += bytes.Length;
    }

    public void Repeat(byte value, int count)
    {
        Room(count);
        _block.AsSpan(_length, count).Fill(value);
        _length += count;
    }

    /// <summary>Repeats <paramref name="length"/> bytes from <paramref name="offset"/> back (they may overlap what it writes).</summary>
    public void Match(long offset, int length)
    {
        Room(length);
        if (offset < 1) throw new ZstdDataException("zstd: a match has offset 0");
        if (offset > _length)
        {
            var back = offset - _length;
            if (back > _filled) throw new ZstdDataException("zstd: a match reaches before the start of the data");
            var from = _head - (int)back;
            if (from < 0) from += _ring.Length;
            var n = (int)Math.Min(length, back);
            var first = Math.Min(n, _ring.Length - from);
            _ring.AsSpan(from, first).CopyTo(_block.AsSpan(_length));
            _ring.AsSpan(0, n - first).CopyTo(_block.AsSpan(_length + first));
            _length += n;
            length -= n;
            if (length == 0) return;
        }
        var source = _length - (int)offset;
        if (offset >= length) _block.AsSpan(source, length).CopyTo(_block.AsSpan(_length));
        else
            for (var i = 0; i < length; i++) _block[_length + i] = _block[source + i];
        _length += length;
    }

    /// <summary>Moves the finished block into the history.</summary>
    public void EndBlock()
    {
        ReadOnlySpan<byte> data = _block.AsSpan(0, _length);
        if (_ring.Length < _windowSize && _filled + data.Length > _ring.Length)
            Array.Resize(ref _ring, (int)Math.Min(_windowSize, Math.Max(Math.Max(2L * _ring.Length, _filled + data.Length), 64 << 10)));
        while (!data.IsEmpty)
        {
            var n = Math.Min(data.Length, _ring.Length - _head);
            data[..n].CopyTo(_ring.AsSpan(_head));
            data = data[n..];
            _head += n;
            if (_head == _ring.Length && _ring.Length == _windowSize) _head = 0;
        }
        _filled = Math.Min(_ring.Length, _filled + _length);
    }

    private void Room(int count)
    {
        if (count > _blockMax - _length) throw new ZstdDataException($"zstd: a block unpacks to more than its maximum of {_blockMax} bytes");
    }
}
