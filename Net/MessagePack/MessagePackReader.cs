using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace MiniMesos.Net.MessagePack;

/// <summary>
/// Reads MessagePack from a contiguous buffer. Built for untrusted input: every length is checked against
/// the bytes that remain before anything is allocated, limits are enforced, and every failure is a
/// <see cref="MessagePackException"/> naming what was expected, what was found and the byte offset.
/// </summary>
internal ref partial struct MessagePackReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly MessagePackLimits _limits;
    private int _pos;

    public MessagePackReader(ReadOnlySpan<byte> data, MessagePackLimits? limits = null)
    {
        _limits = limits ?? MessagePackLimits.Default;
        _limits.Validate();
        if (data.Length > _limits.MaxFrameBytes)
            throw new MessagePackException($"input of {data.Length} bytes exceeds the limit of {_limits.MaxFrameBytes} bytes");
        _data = data;
        _pos = 0;
    }

    /// <summary>Multi-segment input is copied once into one array; the frame limit bounds that copy.</summary>
    public MessagePackReader(ReadOnlySequence<byte> data, MessagePackLimits? limits = null)
    {
        _limits = limits ?? MessagePackLimits.Default;
        _limits.Validate();
        if (data.Length > _limits.MaxFrameBytes)
            throw new MessagePackException($"input of {data.Length} bytes exceeds the limit of {_limits.MaxFrameBytes} bytes");
        _data = data.IsSingleSegment ? data.FirstSpan : data.ToArray();
        _pos = 0;
    }

    public readonly int Consumed => _pos;

    public readonly bool End => _pos >= _data.Length;

    public readonly int Remaining => _data.Length - _pos;

    public readonly MessagePackLimits Limits => _limits;

    public readonly MessagePackType PeekType() => MessagePackCode.TypeOf(PeekCode());

    public bool TryReadNil()
    {
        if (PeekCode() != MessagePackCode.Nil)
            return false;
        _pos++;
        return true;
    }

    public void ReadNil()
    {
        byte code = PeekCode();
        if (code != MessagePackCode.Nil)
            throw Unexpected("nil", code);
        _pos++;
    }

    public bool ReadBoolean()
    {
        byte code = PeekCode();
        bool value = code switch
        {
            MessagePackCode.True => true,
            MessagePackCode.False => false,
            _ => throw Unexpected("boolean", code),
        };
        _pos++;
        return value;
    }

    public long ReadInt64()
    {
        int start = _pos;
        Int128 v = ReadIntegerCore();
        if (v > long.MaxValue)
            throw new MessagePackException($"integer {v} is out of range for Int64", start);
        return (long)v;
    }

    public ulong ReadUInt64()
    {
        int start = _pos;
        Int128 v = ReadIntegerCore();
        if (v < 0)
            throw new MessagePackException($"integer {v} is out of range for UInt64", start);
        return (ulong)v;
    }

    public int ReadInt32()
    {
        int start = _pos;
        Int128 v = ReadIntegerCore();
        if (v < int.MinValue || v > int.MaxValue)
            throw new MessagePackException($"integer {v} is out of range for Int32", start);
        return (int)v;
    }

    /// <summary>Reads any integer as a 128-bit value, so both Int64 and UInt64 ranges are exact.</summary>
    public Int128 ReadInteger() => ReadIntegerCore();

    /// <summary>Accepts float32, float64 and integers (integers may round).</summary>
    public double ReadDouble()
    {
        byte code = PeekCode();
        switch (code)
        {
            case MessagePackCode.Float64:
                Need(9, code);
                double d = BinaryPrimitives.ReadDoubleBigEndian(_data.Slice(_pos + 1, 8));
                _pos += 9;
                return d;
            case MessagePackCode.Float32:
                Need(5, code);
                float f = BinaryPrimitives.ReadSingleBigEndian(_data.Slice(_pos + 1, 4));
                _pos += 5;
                return f;
            default:
                if (MessagePackCode.TypeOf(code) != MessagePackType.Integer)
                    throw Unexpected("float or integer", code);
                return (double)ReadIntegerCore();
        }
    }

    /// <summary>Accepts float32, float64 (narrowed) and integers.</summary>
    public float ReadSingle()
    {
        if (PeekCode() == MessagePackCode.Float32)
        {
            Need(5, MessagePackCode.Float32);
            float f = BinaryPrimitives.ReadSingleBigEndian(_data.Slice(_pos + 1, 4));
            _pos += 5;
            return f;
        }
        return (float)ReadDouble();
    }

    /// <summary>Reads a str (validated UTF-8); nil gives null.</summary>
    public string? ReadString()
    {
        if (TryReadNil())
            return null;
        return Encoding.UTF8.GetString(ReadStringUtf8());
    }

    /// <summary>The raw UTF-8 of a str, checked to be valid UTF-8.</summary>
    public ReadOnlySpan<byte> ReadStringUtf8()
    {
        int start = _pos;
        byte code = PeekCode();
        int headerSize;
        uint length;
        if (code >= MessagePackCode.FixStr && code <= 0xbf)
        {
            headerSize = 1;
            length = (uint)(code & 0x1f);
        }
        else
        {
            (headerSize, length) = code switch
            {
                MessagePackCode.Str8 => (2, ReadLengthField(1, code)),
                MessagePackCode.Str16 => (3, ReadLengthField(2, code)),
                MessagePackCode.Str32 => (5, ReadLengthField(4, code)),
                _ => throw Unexpected("string", code),
            };
        }
        if (length > (uint)_limits.MaxStringBytes)
            throw new MessagePackException($"string of {length} bytes exceeds the limit of {_limits.MaxStringBytes} bytes", start);
        ReadOnlySpan<byte> body = TakeBody(headerSize, length, "string", start);
        if (!Utf8.IsValid(body))
            throw new MessagePackException($"string of {length} bytes is not valid UTF-8", start);
        return body;
    }

    public byte[] ReadBinary() => ReadBinarySpan().ToArray();

    public ReadOnlySpan<byte> ReadBinarySpan()
    {
        int start = _pos;
        byte code = PeekCode();
        (int headerSize, uint length) = code switch
        {
            MessagePackCode.Bin8 => (2, ReadLengthField(1, code)),
            MessagePackCode.Bin16 => (3, ReadLengthField(2, code)),
            MessagePackCode.Bin32 => (5, ReadLengthField(4, code)),
            _ => throw Unexpected("binary", code),
        };
        if (length > (uint)_limits.MaxBinaryBytes)
            throw new MessagePackException($"binary of {length} bytes exceeds the limit of {_limits.MaxBinaryBytes} bytes", start);
        return TakeBody(headerSize, length, "binary", start);
    }

    /// <summary>Array element count; at most one element per remaining byte, so callers may pre-size.</summary>
    public int ReadArrayHeader()
    {
        int start = _pos;
        byte code = PeekCode();
        (int headerSize, uint count) = code switch
        {
            >= MessagePackCode.FixArray and <= 0x9f => (1, (uint)(code & 0x0f)),
            MessagePackCode.Array16 => (3, ReadLengthField(2, code)),
            MessagePackCode.Array32 => (5, ReadLengthField(4, code)),
            _ => throw Unexpected("array", code),
        };
        CheckCount(count, headerSize, 1, "array", start);
        _pos += headerSize;
        return (int)count;
    }

    /// <summary>Map entry count; at most one entry per two remaining bytes.</summary>
    public int ReadMapHeader()
    {
        int start = _pos;
        byte code = PeekCode();
        (int headerSize, uint count) = code switch
        {
            >= MessagePackCode.FixMap and <= 0x8f => (1, (uint)(code & 0x0f)),
            MessagePackCode.Map16 => (3, ReadLengthField(2, code)),
            MessagePackCode.Map32 => (5, ReadLengthField(4, code)),
            _ => throw Unexpected("map", code),
        };
        CheckCount(count, headerSize, 2, "map", start);
        _pos += headerSize;
        return (int)count;
    }

    public MessagePackExtension ReadExtension()
    {
        int start = _pos;
        byte code = PeekCode();
        (int headerSize, uint length) = code switch
        {
            MessagePackCode.FixExt1 => (1, 1u),
            MessagePackCode.FixExt2 => (1, 2u),
            MessagePackCode.FixExt4 => (1, 4u),
            MessagePackCode.FixExt8 => (1, 8u),
            MessagePackCode.FixExt16 => (1, 16u),
            MessagePackCode.Ext8 => (2, ReadLengthField(1, code)),
            MessagePackCode.Ext16 => (3, ReadLengthField(2, code)),
            MessagePackCode.Ext32 => (5, ReadLengthField(4, code)),
            _ => throw Unexpected("extension", code),
        };
        if (length > (uint)_limits.MaxExtensionBytes)
            throw new MessagePackException($"extension of {length} bytes exceeds the limit of {_limits.MaxExtensionBytes} bytes", start);
        // The type byte follows the length, so the body starts one byte later.
        ReadOnlySpan<byte> withType = TakeBody(headerSize, length + 1, "extension", start);
        return new MessagePackExtension(unchecked((sbyte)withType[0]), withType[1..]);
    }

    public DateTimeOffset ReadTimestamp()
    {
        int start = _pos;
        MessagePackTimestamp ts = ReadTimestampExact();
        try
        {
            return ts.ToDateTimeOffset();
        }
        catch (MessagePackException e)
        {
            throw new MessagePackException(e.Message["MessagePack: ".Length..], start);
        }
    }

    /// <summary>The timestamp extension with full range and nanosecond precision.</summary>
    public MessagePackTimestamp ReadTimestampExact()
    {
        int start = _pos;
        byte code = PeekCode();
        MessagePackExtension ext = ReadExtension();
        if (ext.Type != MessagePackCode.TimestampType)
            throw new MessagePackException($"expected timestamp (extension -1), found extension type {ext.Type}", start);
        MessagePackTimestamp ts;
        ReadOnlySpan<byte> d = ext.Data;
        switch (d.Length)
        {
            case 4:
                ts = new MessagePackTimestamp(BinaryPrimitives.ReadUInt32BigEndian(d), 0);
                break;
            case 8:
                ulong v = BinaryPrimitives.ReadUInt64BigEndian(d);
                ts = new MessagePackTimestamp((long)(v & 0x3_FFFF_FFFFUL), (uint)(v >> 34));
                break;
            case 12 when code == MessagePackCode.Ext8:
                ts = new MessagePackTimestamp(BinaryPrimitives.ReadInt64BigEndian(d[4..]), BinaryPrimitives.ReadUInt32BigEndian(d));
                break;
            default:
                throw new MessagePackException($"timestamp extension has invalid length {d.Length} (expected 4, 8 or 12)", start);
        }
        if (ts.Nanoseconds >= MessagePackTimestamp.NanosecondsPerSecond)
            throw new MessagePackException($"timestamp nanoseconds {ts.Nanoseconds} is not below 1,000,000,000", start);
        return ts;
    }

    private Int128 ReadIntegerCore()
    {
        byte code = PeekCode();
        if (code <= MessagePackCode.MaxPositiveFixInt)
        {
            _pos++;
            return code;
        }
        if (code >= MessagePackCode.MinNegativeFixInt)
        {
            _pos++;
            return unchecked((sbyte)code);
        }
        ReadOnlySpan<byte> p;
        Int128 value;
        switch (code)
        {
            case MessagePackCode.UInt8: Need(2, code); value = _data[_pos + 1]; _pos += 2; return value;
            case MessagePackCode.UInt16: Need(3, code); p = _data.Slice(_pos + 1, 2); value = BinaryPrimitives.ReadUInt16BigEndian(p); _pos += 3; return value;
            case MessagePackCode.UInt32: Need(5, code); p = _data.Slice(_pos + 1, 4); value = BinaryPrimitives.ReadUInt32BigEndian(p); _pos += 5; return value;
            case MessagePackCode.UInt64: Need(9, code); p = _data.Slice(_pos + 1, 8); value = BinaryPrimitives.ReadUInt64BigEndian(p); _pos += 9; return value;
            case MessagePackCode.Int8: Need(2, code); value = unchecked((sbyte)_data[_pos + 1]); _pos += 2; return value;
            case MessagePackCode.Int16: Need(3, code); p = _data.Slice(_pos + 1, 2); value = BinaryPrimitives.ReadInt16BigEndian(p); _pos += 3; return value;
            case MessagePackCode.Int32: Need(5, code); p = _data.Slice(_pos + 1, 4); value = BinaryPrimitives.ReadInt32BigEndian(p); _pos += 5; return value;
            case MessagePackCode.Int64: Need(9, code); p = _data.Slice(_pos + 1, 8); value = BinaryPrimitives.ReadInt64BigEndian(p); _pos += 9; return value;
            default: throw Unexpected("integer", code);
        }
    }

    private readonly byte PeekCode()
    {
        if (_pos >= _data.Length)
            throw new MessagePackException("expected a value, found end of data", _pos);
        byte code = _data[_pos];
        if (code == MessagePackCode.NeverUsed)
            throw new MessagePackException("found reserved byte 0xc1, which is never used", _pos);
        return code;
    }

    /// <summary>Reads the big-endian length field of <paramref name="size"/> bytes after the code byte.</summary>
    private readonly uint ReadLengthField(int size, byte code)
    {
        Need(1 + size, code);
        ReadOnlySpan<byte> f = _data.Slice(_pos + 1, size);
        return size switch
        {
            1 => f[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(f),
            _ => BinaryPrimitives.ReadUInt32BigEndian(f),
        };
    }

    private ReadOnlySpan<byte> TakeBody(int headerSize, uint length, string what, int start)
    {
        long available = (long)_data.Length - _pos - headerSize;
        if (length > available)
            throw new MessagePackException($"{what} declares {length} bytes but only {Math.Max(0, available)} remain (truncated)", start);
        ReadOnlySpan<byte> body = _data.Slice(_pos + headerSize, (int)length);
        _pos += headerSize + (int)length;
        return body;
    }

    private readonly void CheckCount(uint count, int headerSize, int minBytesPerItem, string what, int start)
    {
        if (count > (uint)_limits.MaxCollectionCount)
            throw new MessagePackException($"{what} of {count} entries exceeds the limit of {_limits.MaxCollectionCount}", start);
        long available = (long)_data.Length - _pos - headerSize;
        if ((long)count * minBytesPerItem > available)
            throw new MessagePackException($"{what} declares {count} entries but only {available} bytes remain (truncated)", start);
    }

    private readonly void Need(int bytes, byte code)
    {
        if (_data.Length - _pos < bytes)
            throw new MessagePackException(
                $"truncated {MessagePackCode.Describe(code)}: needs {bytes} bytes, only {_data.Length - _pos} remain", _pos);
    }

    private readonly MessagePackException Unexpected(string expected, byte code) =>
        new($"expected {expected}, found {MessagePackCode.Describe(code)}", _pos);
}
