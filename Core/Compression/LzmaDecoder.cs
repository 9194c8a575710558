namespace MiniMesos.Core.Compression;

/// <summary>
/// LZMA's symbol decoder as LZMA2 drives it: literals, matches and the four repeated distances, with the lc/lp/pb
/// literal and position contexts. <see cref="Decode"/> fills exactly one chunk's uncompressed size; a symbol that would
/// cross the chunk's end, or an end marker (LZMA2 has none), is corrupt data.
/// </summary>
internal sealed class LzmaDecoder
{
    private const int States = 12;
    private const int PosStatesMax = 16;
    private const int LenToPosStates = 4;
    private const int AlignBits = 4;
    private const int EndPosModelIndex = 14;
    private const int FullDistances = 128;

    private readonly ushort[] _isMatch = new ushort[States * PosStatesMax];
    private readonly ushort[] _isRep = new ushort[States];
    private readonly ushort[] _isRepG0 = new ushort[States];
    private readonly ushort[] _isRepG1 = new ushort[States];
    private readonly ushort[] _isRepG2 = new ushort[States];
    private readonly ushort[] _isRep0Long = new ushort[States * PosStatesMax];
    private readonly ushort[] _posSlot = new ushort[LenToPosStates * 64];
    private readonly ushort[] _posSpecial = new ushort[1 + FullDistances - EndPosModelIndex];
    private readonly ushort[] _align = new ushort[1 << AlignBits];
    private readonly LengthDecoder _length = new();
    private readonly LengthDecoder _repLength = new();
    private ushort[] _literal = [];
    private int _lc, _lp, _pb;
    private int _state;
    private uint _rep0, _rep1, _rep2, _rep3;

    /// <summary>Sets lc/lp/pb from LZMA2's properties byte ((pb * 5 + lp) * 9 + lc, lc + lp at most 4).</summary>
    public void SetProperties(byte props)
    {
        if (props >= 9 * 5 * 5) throw new InvalidDataException("xz: invalid LZMA properties");
        _lc = props % 9;
        _lp = props / 9 % 5;
        _pb = props / 45;
        if (_lc + _lp > 4) throw new InvalidDataException("xz: LZMA lc + lp is more than 4");
        var size = 0x300 << (_lc + _lp);
        if (_literal.Length != size) _literal = new ushort[size];
    }

    /// <summary>Resets every probability, the state and the repeated distances.</summary>
    public void ResetState()
    {
        foreach (var probs in new[] { _isMatch, _isRep, _isRepG0, _isRepG1, _isRepG2, _isRep0Long, _posSlot, _posSpecial, _align, _literal })
            Array.Fill(probs, (ushort)1024);
        _length.Reset();
        _repLength.Reset();
        _state = 0;
        _rep0 = _rep1 = _rep2 = _rep3 = 0;
    }

    /// <summary>Decodes symbols into <paramref name="window"/> until it holds <paramref name="length"/> more bytes.</summary>
    public void Decode(LzmaRangeDecoder rc, LzmaWindow window, int length)
    {
        var posMask = (1 << _pb) - 1;
        while (window.OutputLength < length)
        {
            var posState = (int)(window.Total & posMask);
            if (rc.Bit(ref _isMatch[_state * PosStatesMax + posState]) == 0)
            {
                Literal(rc, window);
                continue;
            }
            int len;
            if (rc.Bit(ref _isRep[_state]) == 0)
            {
                _rep3 = _rep2;
                _rep2 = _rep1;
                _rep1 = _rep0;
                len = _length.Decode(rc, posState);
                _state = _state < 7 ? 7 : 10;
                _rep0 = Distance(rc, len);
                if (_rep0 == 0xFFFF_FFFF) throw new InvalidDataException("xz: an LZMA end marker inside an LZMA2 chunk");
            }
            else
            {
                if (window.IsEmpty) throw new InvalidDataException("xz: a repeated match before any data");
                if (rc.Bit(ref _isRepG0[_state]) == 0)
                {
                    if (rc.Bit(ref _isRep0Long[_state * PosStatesMax + posState]) == 0)
                    {
                        _state = _state < 7 ? 9 : 11;
                        window.Copy(_rep0 + 1, 1);
                        continue;
                    }
                }
                else
                {
                    uint distance;
                    if (rc.Bit(ref _isRepG1[_state]) == 0) distance = _rep1;
                    else
                    {
                        if (rc.Bit(ref _isRepG2[_state]) == 0) distance = _rep2;
                        else
                        {
                            distance = _rep3;
                            _rep3 = _rep2;
                        }
                        _rep2 = _rep1;
                    }
                    _rep1 = _rep0;
                    _rep0 = distance;
                }
                len = _repLength.Decode(rc, posState);
                _state = _state < 7 ? 8 : 11;
            }
            var count = len + 2;
            if (count > length - window.OutputLength) throw new InvalidDataException("xz: a match runs past the end of its LZMA2 chunk");
            if (_rep0 >= int.MaxValue) throw new InvalidDataException("xz: a match distance beyond the dictionary");
            window.Copy(_rep0 + 1, count);
        }
    }

    private void Literal(LzmaRangeDecoder rc, LzmaWindow window)
    {
        var previous = window.Back(1);
        var litState = (int)(((window.Total & ((1 << _lp) - 1)) << _lc) + (previous >> (8 - _lc)));
        var offset = 0x300 * litState;
        var symbol = 1;
        if (_state >= 7)
        {
            if (_rep0 >= int.MaxValue) throw new InvalidDataException("xz: a match distance beyond the dictionary");
            int match = window.Back((int)_rep0 + 1);
            while (symbol < 0x100)
            {
                var matchBit = (match >> 7) & 1;
                match <<= 1;
                var bit = rc.Bit(ref _literal[offset + ((1 + matchBit) << 8) + symbol]);
                symbol = (symbol << 1) | bit;
                if (matchBit != bit) break;
            }
        }
        while (symbol < 0x100) symbol = (symbol << 1) | rc.Bit(ref _literal[offset + symbol]);
        window.Put((byte)symbol);
        _state = _state < 4 ? 0 : _state < 10 ? _state - 3 : _state - 6;
    }

    private uint Distance(LzmaRangeDecoder rc, int len)
    {
        var lenState = Math.Min(len, LenToPosStates - 1);
        var slot = rc.Tree(_posSlot, lenState * 64, 6);
        if (slot < 4) return (uint)slot;
        var directBits = (slot >> 1) - 1;
        var distance = (uint)((2 | (slot & 1)) << directBits);
        if (slot < EndPosModelIndex) return distance + (uint)rc.ReverseTree(_posSpecial, (int)distance - slot, directBits);
        distance += rc.Direct(directBits - AlignBits) << AlignBits;
        return distance + (uint)rc.ReverseTree(_align, 0, AlignBits);
    }

    /// <summary>A match length: 2-9 (low, per position state), 10-17 (mid, per position state) or 18-273 (high); returned minus 2.</summary>
    private sealed class LengthDecoder
    {
        private readonly ushort[] _choice = new ushort[2];
        private readonly ushort[] _low = new ushort[PosStatesMax << 3];
        private readonly ushort[] _mid = new ushort[PosStatesMax << 3];
        private readonly ushort[] _high = new ushort[256];

        public void Reset()
        {
            foreach (var probs in new[] { _choice, _low, _mid, _high }) Array.Fill(probs, (ushort)1024);
        }

        public int Decode(LzmaRangeDecoder rc, int posState)
        {
            if (rc.Bit(ref _choice[0]) == 0) return rc.Tree(_low, posState << 3, 3);
            if (rc.Bit(ref _choice[1]) == 0) return 8 + rc.Tree(_mid, posState << 3, 3);
            return 16 + rc.Tree(_high, 0, 8);
        }
    }
}
