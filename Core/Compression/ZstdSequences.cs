namespace MiniMesos.Core.Compression;

/// <summary>
/// The sequences section of a compressed zstd block (RFC 8878 section 3.1.1.3.2) and its execution: each sequence
/// copies literals, then a match at an offset (new, or one of the three repeat offsets the frame carries across
/// blocks). The literal length, offset and match length codes are FSE-coded with predefined, RLE, described or
/// repeated tables.
/// </summary>
internal sealed class ZstdSequences
{
    private static readonly ZstdFseTable PredefinedLiterals = Predefined(
        [4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1], 6);
    private static readonly ZstdFseTable PredefinedMatches = Predefined(
        [1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
         1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1], 6);
    private static readonly ZstdFseTable PredefinedOffsets = Predefined(
        [1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1], 5);

    private static ReadOnlySpan<int> LiteralBase => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536];
    private static ReadOnlySpan<byte> LiteralBits => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
    private static ReadOnlySpan<int> MatchBase => [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
        19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
        35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051, 4099, 8195, 16387, 32771, 65539];
    private static ReadOnlySpan<byte> MatchBits => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

    private readonly ZstdFseTable _literalsTable = new(), _offsetsTable = new(), _matchesTable = new();
    private readonly long[] _repeat = new long[3];
    private ZstdFseTable? _literals, _offsets, _matches;

    /// <summary>A new frame: the initial repeat offsets, no table to repeat.</summary>
    public void Reset()
    {
        _repeat[0] = 1;
        _repeat[1] = 4;
        _repeat[2] = 8;
        _literals = _offsets = _matches = null;
    }

    /// <summary>Decodes the section (the rest of the block) and writes the block's bytes into <paramref name="window"/>.</summary>
    public void Execute(ReadOnlySpan<byte> section, ReadOnlySpan<byte> literals, ZstdWindow window)
    {
        if (section.IsEmpty) throw new ZstdDataException("zstd: a block has no sequences section");
        int count = section[0], at = 1;
        if (count >= 128)
        {
            if (section.Length < (count == 255 ? 3 : 2)) throw new ZstdDataException("zstd: a sequences header is truncated");
            (count, at) = count == 255 ? (section[1] + (section[2] << 8) + 0x7F00, 3) : (((count - 128) << 8) + section[1], 2);
        }
        if (count == 0)
        {
            if (at != section.Length) throw new ZstdDataException("zstd: bytes after an empty sequences section");
            window.Append(literals);
            return;
        }
        if (at >= section.Length) throw new ZstdDataException("zstd: a sequences header is truncated");
        var modes = section[at++];
        if ((modes & 3) != 0) throw new ZstdDataException("zstd: a sequences header has reserved bits set");
        _literals = Table(section, ref at, modes >> 6, _literals, _literalsTable, PredefinedLiterals, 9, 35, "literal length");
        _offsets = Table(section, ref at, (modes >> 4) & 3, _offsets, _offsetsTable, PredefinedOffsets, 8, 31, "offset");
        _matches = Table(section, ref at, (modes >> 2) & 3, _matches, _matchesTable, PredefinedMatches, 9, 52, "match length");
        var bits = new ZstdBackwardBits(section[at..]);
        int literalState = (int)bits.Read(_literals.Log), offsetState = (int)bits.Read(_offsets.Log), matchState = (int)bits.Read(_matches.Log);
        var used = 0;
        for (var i = 0; i < count; i++)
        {
            int offsetCode = _offsets.Symbol(offsetState), matchCode = _matches.Symbol(matchState), literalCode = _literals.Symbol(literalState);
            var offsetValue = (1L << offsetCode) + (long)bits.Read(offsetCode);
            var matchLength = MatchBase[matchCode] + (int)bits.Read(MatchBits[matchCode]);
            var literalLength = LiteralBase[literalCode] + (int)bits.Read(LiteralBits[literalCode]);
            var offset = Offset(offsetValue, literalLength == 0);
            if (i < count - 1)
            {
                literalState = _literals.Next(literalState, ref bits);
                matchState = _matches.Next(matchState, ref bits);
                offsetState = _offsets.Next(offsetState, ref bits);
            }
            if (bits.Remaining < 0) throw new ZstdDataException("zstd: a sequences bitstream ends early (the data is corrupt)");
            if (literalLength > literals.Length - used) throw new ZstdDataException("zstd: a sequence copies more literals than the block has");
            window.Append(literals.Slice(used, literalLength));
            used += literalLength;
            window.Match(offset, matchLength);
        }
        if (bits.Remaining != 0) throw new ZstdDataException("zstd: a sequences bitstream does not end with its last sequence");
        window.Append(literals[used..]);
    }

    /// <summary>The match offset from an offset value: above 3 a new offset, else one of the repeat offsets.</summary>
    private long Offset(long value, bool noLiterals)
    {
        if (value > 3)
        {
            _repeat[2] = _repeat[1];
            _repeat[1] = _repeat[0];
            return _repeat[0] = value - 3;
        }
        var index = (int)value - 1 + (noLiterals ? 1 : 0);
        if (index == 0) return _repeat[0];
        var offset = index == 3 ? _repeat[0] - 1 : _repeat[index];
        if (offset == 0) throw new ZstdDataException("zstd: a repeat offset of 0");
        if (index != 1) _repeat[2] = _repeat[1];
        _repeat[1] = _repeat[0];
        return _repeat[0] = offset;
    }

    private static ZstdFseTable Table(ReadOnlySpan<byte> section, ref int at, int mode, ZstdFseTable? previous, ZstdFseTable own,
        ZstdFseTable predefined, int maxLog, int maxSymbol, string what)
    {
        switch (mode)
        {
            case 0:
                return predefined;
            case 1:
                if (at >= section.Length) throw new ZstdDataException($"zstd: the {what} RLE symbol is missing");
                if (section[at] > maxSymbol) throw new ZstdDataException($"zstd: a {what} code of {section[at]}, above {maxSymbol}");
                own.Rle(section[at++]);
                return own;
            case 2:
                at += own.Read(section[at..], maxLog, maxSymbol);
                return own;
            default:
                return previous ?? throw new ZstdDataException($"zstd: the {what} table is repeated with no earlier table in the frame");
        }
    }

    private static ZstdFseTable Predefined(short[] counts, int log)
    {
        var table = new ZstdFseTable();
        table.Build(counts, log);
        return table;
    }
}
