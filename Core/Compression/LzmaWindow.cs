namespace MiniMesos.Core.Compression;

/// <summary>
/// The LZMA dictionary: the last <c>size</c> bytes decoded, as a ring that grows as it fills (a small archive with a
/// large declared dictionary costs only what it unpacks). Every byte put is also appended to the current chunk's
/// output. Distances reaching before the window's start are corrupt data.
/// </summary>
internal sealed class LzmaWindow
{
    private byte[] _ring = new byte[4096];
    private int _size;
    private int _pos;
    private bool _full;
    private byte[] _out = [];
    private int _outLength;

    /// <summary>Bytes put since the last reset (its low bits are LZMA's position state).</summary>
    public long Total { get; private set; }

    public ReadOnlyMemory<byte> Output => _out.AsMemory(0, _outLength);

    public int OutputLength => _outLength;

    /// <summary>Empties the window for a dictionary of <paramref name="size"/> bytes.</summary>
    public void Reset(int size)
    {
        _size = Math.Max(size, 4096);
        if (_ring.Length > _size) _ring = new byte[_size];
        _pos = 0;
        _full = false;
        Total = 0;
    }

    /// <summary>Starts a chunk's output of exactly <paramref name="length"/> bytes.</summary>
    public void StartChunk(int length)
    {
        if (_out.Length < length) _out = new byte[length];
        _outLength = 0;
    }

    public bool IsEmpty => Total == 0;

    /// <summary>The byte <paramref name="distance"/> back (1 = the last one), 0 before the first.</summary>
    public byte Back(int distance)
    {
        var at = _pos - distance;
        if (at < 0) at += _full ? _size : _ring.Length;
        return distance > Filled ? (byte)0 : _ring[at];
    }

    private long Filled => _full ? _size : _pos;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Put(byte b)
    {
        if (_pos == _ring.Length)
        {
            if (_ring.Length < _size) Array.Resize(ref _ring, (int)Math.Min((long)_ring.Length * 2, _size));
            else
            {
                _pos = 0;
                _full = true;
            }
        }
        _ring[_pos++] = b;
        _out[_outLength++] = b;
        Total++;
    }

    /// <summary>Repeats <paramref name="length"/> bytes from <paramref name="distance"/> back (they may overlap what it writes).</summary>
    public void Copy(uint distance, int length)
    {
        if (distance == 0 || distance > Filled) throw new InvalidDataException("xz: a match reaches before the start of the dictionary");
        var from = _pos - (int)distance;
        if (from >= 0 && distance >= length && _pos + length <= _ring.Length)
        {
            // The common case: source and destination apart and both inside the ring as it is: one block copy.
            var run = _ring.AsSpan(from, length);
            run.CopyTo(_ring.AsSpan(_pos));
            run.CopyTo(_out.AsSpan(_outLength));
            _pos += length;
            _outLength += length;
            Total += length;
            return;
        }
        for (var i = 0; i < length; i++) Put(Back((int)distance));
    }
}
