namespace MiniMesos.Core.Compression;

/// <summary>Reads an .xz file's bytes, counting them; the end of the input where more is needed is a truncated file.</summary>
internal sealed class XzReader(Stream input)
{
    private readonly byte[] _buffer = new byte[65536];
    private int _pos;
    private int _end;

    /// <summary>Bytes consumed so far.</summary>
    public long Position { get; private set; }

    /// <summary>Whether the input has no byte left.</summary>
    public bool AtEnd => !Fill();

    private bool Fill()
    {
        if (_pos < _end) return true;
        _end = input.Read(_buffer, 0, _buffer.Length);
        _pos = 0;
        return _end > 0;
    }

    public byte Byte()
    {
        if (!Fill()) throw new InvalidDataException("xz: the file is truncated");
        Position++;
        return _buffer[_pos++];
    }

    public void Exactly(Span<byte> into)
    {
        while (into.Length > 0)
        {
            if (!Fill()) throw new InvalidDataException("xz: the file is truncated");
            var n = Math.Min(into.Length, _end - _pos);
            _buffer.AsSpan(_pos, n).CopyTo(into);
            _pos += n;
            Position += n;
            into = into[n..];
        }
    }

    /// <summary>The xz variable-length integer (7 bits a byte, at most 9 bytes, no superfluous zero byte).</summary>
    public static ulong VarInt(ReadOnlySpan<byte> bytes, ref int at)
    {
        ulong value = 0;
        for (var i = 0; i < 9; i++)
        {
            if (at >= bytes.Length) throw new InvalidDataException("xz: a header ends inside a number");
            var b = bytes[at++];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0) throw new InvalidDataException("xz: a number has a superfluous zero byte");
                return value;
            }
        }
        throw new InvalidDataException("xz: a number is longer than 9 bytes");
    }

    /// <summary>The same from the stream (the index's records), with the bytes it read added to <paramref name="seen"/>.</summary>
    public ulong VarInt(List<byte> seen)
    {
        Span<byte> bytes = stackalloc byte[9];
        for (var i = 0; i < 9; i++)
        {
            bytes[i] = Byte();
            seen.Add(bytes[i]);
            if ((bytes[i] & 0x80) == 0)
            {
                var at = 0;
                return VarInt(bytes[..(i + 1)], ref at);
            }
        }
        throw new InvalidDataException("xz: a number is longer than 9 bytes");
    }
}
