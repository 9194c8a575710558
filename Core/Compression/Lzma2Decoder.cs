namespace MiniMesos.Core.Compression;

/// <summary>
/// LZMA2, the only filter of the .xz files MiniMesos unpacks: a sequence of chunks, each uncompressed (a copy) or LZMA
/// (at most 2 MiB out, 64 KiB in), that may reset the dictionary, the state, or set new lc/lp/pb; control byte 0 ends it.
/// <see cref="Next"/> decodes one chunk and answers its bytes (empty at the end).
/// </summary>
internal sealed class Lzma2Decoder
{
    private readonly LzmaWindow _window = new();
    private readonly LzmaDecoder _lzma = new();
    private readonly LzmaRangeDecoder _rc = new();
    private readonly byte[] _compressed = new byte[1 << 16];
    private int _dictionarySize;
    private bool _needDictionaryReset;
    private bool _needProperties;
    private bool _needStateReset;
    private bool _ended;

    /// <summary>Starts a block whose dictionary is <paramref name="dictionarySize"/> bytes.</summary>
    public void Start(int dictionarySize)
    {
        _dictionarySize = dictionarySize;
        _needDictionaryReset = _needProperties = _needStateReset = true;
        _ended = false;
    }

    /// <summary>LZMA2's dictionary size byte: 2 or 3 times a power of two, 4 KiB up to 4 GiB - 1; null when it is invalid.</summary>
    public static long? DictionarySize(byte b) =>
        b > 40 ? null : b == 40 ? uint.MaxValue : (2L | (b & 1L)) << (b / 2 + 11);

    public ReadOnlyMemory<byte> Next(XzReader input)
    {
        if (_ended) return ReadOnlyMemory<byte>.Empty;
        var control = input.Byte();
        if (control == 0)
        {
            _ended = true;
            return ReadOnlyMemory<byte>.Empty;
        }
        if (control is 1 or 2)
        {
            if (control == 1) ResetDictionary();
            else if (_needDictionaryReset) throw new InvalidDataException("xz: the first LZMA2 chunk does not reset the dictionary");
            var size = (input.Byte() << 8 | input.Byte()) + 1;
            _window.StartChunk(size);
            var bytes = _compressed.AsSpan(0, size);
            input.Exactly(bytes);
            foreach (var b in bytes) _window.Put(b);
            return _window.Output;
        }
        if (control < 0x80) throw new InvalidDataException($"xz: invalid LZMA2 control byte 0x{control:x2}");
        var unpacked = ((control & 0x1F) << 16 | input.Byte() << 8 | input.Byte()) + 1;
        var packed = (input.Byte() << 8 | input.Byte()) + 1;
        var reset = (control >> 5) & 3;
        if (reset == 3) ResetDictionary();
        else if (_needDictionaryReset) throw new InvalidDataException("xz: the first LZMA2 chunk does not reset the dictionary");
        if (reset >= 2)
        {
            _lzma.SetProperties(input.Byte());
            _needProperties = false;
        }
        else if (_needProperties) throw new InvalidDataException("xz: an LZMA2 chunk without the LZMA properties it needs");
        if (reset >= 1)
        {
            _lzma.ResetState();
            _needStateReset = false;
        }
        else if (_needStateReset) throw new InvalidDataException("xz: an LZMA2 chunk continues a state that was never set");
        input.Exactly(_compressed.AsSpan(0, packed));
        _rc.Start(_compressed, packed);
        _window.StartChunk(unpacked);
        _lzma.Decode(_rc, _window, unpacked);
        if (!_rc.Finished) throw new InvalidDataException("xz: an LZMA chunk's compressed size does not match its data");
        return _window.Output;
    }

    private void ResetDictionary()
    {
        _window.Reset(_dictionarySize);
        _needDictionaryReset = false;
    }
}
