using System.Numerics;

namespace MiniMesos.Core.Compression;

/// <summary>
/// An FSE decoding table (RFC 8878 section 4.1.1): for each state, the symbol it decodes, how many bits the next state
/// takes and the baseline they are added to. Built from a distribution read from the data, from a predefined one, or
/// for a single repeated symbol (RLE mode).
/// </summary>
internal sealed class ZstdFseTable
{
    private const int MaxLog = 9;
    private readonly byte[] _symbols = new byte[1 << MaxLog];
    private readonly byte[] _bits = new byte[1 << MaxLog];
    private readonly ushort[] _baselines = new ushort[1 << MaxLog];

    /// <summary>The accuracy log: the initial state takes this many bits.</summary>
    public int Log { get; private set; }

    public byte Symbol(int state) => _symbols[state];

    /// <summary>The state after <paramref name="state"/>, reading its bits from <paramref name="bits"/>.</summary>
    public int Next(int state, ref ZstdBackwardBits bits) => _baselines[state] + (int)bits.Read(_bits[state]);

    /// <summary>A table whose every state decodes <paramref name="symbol"/> and reads no bits.</summary>
    public void Rle(byte symbol)
    {
        Log = 0;
        _symbols[0] = symbol;
        _bits[0] = 0;
        _baselines[0] = 0;
    }

    /// <summary>
    /// Reads a distribution (the table description) from the front of <paramref name="source"/>, builds the table and
    /// returns the bytes it took. Accuracy above <paramref name="maxLog"/> or a symbol above <paramref name="maxSymbol"/> is corrupt.
    /// </summary>
    public int Read(ReadOnlySpan<byte> source, int maxLog, int maxSymbol)
    {
        long bit = 0;
        var log = (int)Bits(source, ref bit, 4) + 5;
        if (log > maxLog) throw new ZstdDataException($"zstd: an FSE table's accuracy log {log} is above the maximum {maxLog}");
        Span<short> counts = stackalloc short[256];
        var remaining = (1 << log) + 1;
        var threshold = 1 << log;
        var width = log + 1;
        var symbol = 0;
        while (remaining > 1)
        {
            if (symbol > maxSymbol) throw new ZstdDataException("zstd: an FSE table's distribution has too many symbols");
            var max = (2 * threshold - 1) - remaining;
            int value;
            var low = (int)Peek(source, bit, width - 1);
            if (low < max)
            {
                value = low;
                bit += width - 1;
            }
            else
            {
                value = (int)Peek(source, bit, width);
                if (value >= threshold) value -= max;
                bit += width;
            }
            var count = value - 1;
            remaining -= count < 0 ? -count : count;
            counts[symbol++] = (short)count;
            while (remaining < threshold)
            {
                width--;
                threshold >>= 1;
            }
            if (count != 0) continue;
            while (true)
            {
                var repeat = (int)Bits(source, ref bit, 2);
                symbol += repeat;
                if (symbol > maxSymbol + 1) throw new ZstdDataException("zstd: an FSE table's distribution has too many symbols");
                if (repeat != 3) break;
            }
        }
        if (remaining != 1 || bit > source.Length * 8L) throw new ZstdDataException("zstd: an FSE table's distribution is corrupt");
        Build(counts[..symbol], log);
        return (int)((bit + 7) / 8);
    }

    /// <summary>Builds the table from a normalized distribution (-1: a probability below one).</summary>
    public void Build(ReadOnlySpan<short> counts, int log)
    {
        Log = log;
        var size = 1 << log;
        var high = size - 1;
        Span<int> next = stackalloc int[256];
        for (var s = 0; s < counts.Length; s++)
        {
            if (counts[s] != -1) continue;
            _symbols[high--] = (byte)s;
            next[s] = 1;
        }
        var step = (size >> 1) + (size >> 3) + 3;
        var position = 0;
        for (var s = 0; s < counts.Length; s++)
        {
            if (counts[s] <= 0) continue;
            next[s] = counts[s];
            for (var i = 0; i < counts[s]; i++)
            {
                _symbols[position] = (byte)s;
                do position = (position + step) & (size - 1);
                while (position > high);
            }
        }
        if (position != 0) throw new ZstdDataException("zstd: an FSE table's distribution does not fill the table");
        for (var u = 0; u < size; u++)
        {
            var state = next[_symbols[u]]++;
            var bits = log - (31 - BitOperations.LeadingZeroCount((uint)state));
            _bits[u] = (byte)bits;
            _baselines[u] = (ushort)((state << bits) - size);
        }
    }

    private static ulong Bits(ReadOnlySpan<byte> source, ref long bit, int count)
    {
        var value = Peek(source, bit, count);
        bit += count;
        return value;
    }

    /// <summary><paramref name="count"/> bits from bit <paramref name="bit"/> on, read forwards (zero past the end).</summary>
    private static ulong Peek(ReadOnlySpan<byte> source, long bit, int count)
    {
        ulong value = 0;
        for (var i = 0; i < count; i++)
        {
            var at = bit + i;
            if ((at >> 3) < source.Length && ((source[(int)(at >> 3)] >> (int)(at & 7)) & 1) != 0) value |= 1UL << i;
        }
        return value;
    }
}
