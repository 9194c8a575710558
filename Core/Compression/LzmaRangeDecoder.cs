using System.Runtime.CompilerServices;

namespace MiniMesos.Core.Compression;

/// <summary>
/// LZMA's binary range decoder over one LZMA2 chunk's compressed bytes (11-bit probabilities, adapted by 1/32 per bit).
/// Reading past the chunk is corrupt data, never a read beyond the buffer.
/// </summary>
internal sealed class LzmaRangeDecoder
{
    private const uint Top = 1u << 24;
    private byte[] _input = [];
    private int _pos;
    private int _end;
    private uint _range;
    private uint _code;

    /// <summary>Starts decoding <paramref name="input"/>[0..<paramref name="length"/>): five bytes, the first of them 0.</summary>
    public void Start(byte[] input, int length)
    {
        _input = input;
        _pos = 0;
        _end = length;
        if (length < 5 || input[0] != 0) throw new InvalidDataException("xz: an LZMA chunk does not start a range coder");
        _range = 0xFFFF_FFFF;
        _code = 0;
        for (var i = 1; i < 5; i++) _code = (_code << 8) | input[i];
        _pos = 5;
        if (_code == _range) throw new InvalidDataException("xz: an LZMA chunk starts with a corrupt range coder");
    }

    /// <summary>Whether the chunk was consumed exactly and the coder ended clean, as an encoder's flush leaves it.</summary>
    public bool Finished => _pos == _end && _code == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Normalise()
    {
        if (_range >= Top) return;
        if (_pos >= _end) throw new InvalidDataException("xz: an LZMA chunk ends in the middle of a symbol");
        _range <<= 8;
        _code = (_code << 8) | _input[_pos++];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Bit(ref ushort prob)
    {
        var bound = (_range >> 11) * prob;
        int bit;
        if (_code < bound)
        {
            _range = bound;
            prob += (ushort)((2048 - prob) >> 5);
            bit = 0;
        }
        else
        {
            _range -= bound;
            _code -= bound;
            prob -= (ushort)(prob >> 5);
            bit = 1;
        }
        Normalise();
        return bit;
    }

    /// <summary>A symbol of <paramref name="bits"/> bits, most significant first, from the tree at <paramref name="offset"/>.</summary>
    public int Tree(ushort[] probs, int offset, int bits)
    {
        var m = 1;
        for (var i = 0; i < bits; i++) m = (m << 1) | Bit(ref probs[offset + m]);
        return m - (1 << bits);
    }

    /// <summary>A symbol of <paramref name="bits"/> bits, least significant first, from the tree at <paramref name="offset"/>.</summary>
    public int ReverseTree(ushort[] probs, int offset, int bits)
    {
        int m = 1, symbol = 0;
        for (var i = 0; i < bits; i++)
        {
            var bit = Bit(ref probs[offset + m]);
            m = (m << 1) | bit;
            symbol |= bit << i;
        }
        return symbol;
    }

    /// <summary><paramref name="bits"/> bits of fixed probability one half.</summary>
    public uint Direct(int bits)
    {
        uint result = 0;
        for (var i = 0; i < bits; i++)
        {
            _range >>= 1;
            var bit = _code >= _range ? 1u : 0u;
            if (bit == 1) _code -= _range;
            result = (result << 1) | bit;
            Normalise();
        }
        return result;
    }
}
