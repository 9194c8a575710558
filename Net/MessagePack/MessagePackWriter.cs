using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace MiniMesos.Net.MessagePack;

/// <summary>
/// Writes MessagePack into an <see cref="IBufferWriter{T}"/>, always choosing the smallest encoding, so
/// our bytes match other spec-following encoders (python3-msgpack) exactly.
/// </summary>
internal ref struct MessagePackWriter
{
    // Strict: a lone surrogate must fail loudly instead of silently becoming U+FFFD on the wire.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly IBufferWriter<byte> _output;

    public MessagePackWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    public void WriteNil() => WriteByte(MessagePackCode.Nil);

    public void WriteBoolean(bool v) => WriteByte(v ? MessagePackCode.True : MessagePackCode.False);

    public void WriteInt32(int v) => WriteInt64(v);

    public void WriteInt64(long v)
    {
        if (v >= 0)
        {
            // Non-negative values use the unsigned formats, as the spec's reference encoders do.
            WriteUInt64((ulong)v);
            return;
        }
        if (v >= -32)
        {
            WriteByte(unchecked((byte)(sbyte)v));
        }
        else if (v >= sbyte.MinValue)
        {
            Span<byte> s = _output.GetSpan(2);
            s[0] = MessagePackCode.Int8;
            s[1] = unchecked((byte)(sbyte)v);
            _output.Advance(2);
        }
        else if (v >= short.MinValue)
        {
            Span<byte> s = _output.GetSpan(3);
            s[0] = MessagePackCode.Int16;
            BinaryPrimitives.WriteInt16BigEndian(s[1..], (short)v);
            _output.Advance(3);
        }
        else if (v >= int.MinValue)
        {
            Span<byte> s = _output.GetSpan(5);
            s[0] = MessagePackCode.Int32;
            BinaryPrimitives.WriteInt32BigEndian(s[1..], (int)v);
            _output.Advance(5);
        }
        else
        {
            Span<byte> s = _output.GetSpan(9);
            s[0] = MessagePackCode.Int64;
            BinaryPrimitives.WriteInt64BigEndian(s[1..], v);
            _output.Advance(9);
        }
    }

    public void WriteUInt64(ulong v)
    {
        if (v <= MessagePackCode.MaxPositiveFixInt)
        {
            WriteByte((byte)v);
        }
        else if (v <= byte.MaxValue)
        {
            Span<byte> s = _output.GetSpan(2);
            s[0] = MessagePackCode.UInt8;
            s[1] = (byte)v;
            _output.Advance(2);
        }
        else if (v <= ushort.MaxValue)
        {
            Span<byte> s = _output.GetSpan(3);
            s[0] = MessagePackCode.UInt16;
            BinaryPrimitives.WriteUInt16BigEndian(s[1..], (ushort)v);
            _output.Advance(3);
        }
        else if (v <= uint.MaxValue)
        {
            Span<byte> s = _output.GetSpan(5);
            s[0] = MessagePackCode.UInt32;
            BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)v);
            _output.Advance(5);
        }
        else
        {
            Span<byte> s = _output.GetSpan(9);
            s[0] = MessagePackCode.UInt64;
            BinaryPrimitives.WriteUInt64BigEndian(s[1..], v);
            _output.Advance(9);
        }
    }

    public void WriteSingle(float v)
    {
        Span<byte> s = _output.GetSpan(5);
        s[0] = MessagePackCode.Float32;
        BinaryPrimitives.WriteSingleBigEndian(s[1..], v);
        _output.Advance(5);
    }

    public void WriteDouble(double v)
    {
        Span<byte> s = _output.GetSpan(9);
        s[0] = MessagePackCode.Float64;
        BinaryPrimitives.WriteDoubleBigEndian(s[1..], v);
        _output.Advance(9);
    }

    /// <summary>Writes a str; null becomes nil. Throws MessagePackException on a lone surrogate.</summary>
    public void WriteString(string? v)
    {
        if (v is null)
        {
            WriteNil();
            return;
        }
        int byteCount;
        try
        {
            byteCount = StrictUtf8.GetByteCount(v);
        }
        catch (EncoderFallbackException e)
        {
            throw new MessagePackException("string contains invalid UTF-16 (lone surrogate) and cannot be encoded as UTF-8", e);
        }
        WriteStringHeader(byteCount);
        Span<byte> s = _output.GetSpan(byteCount);
        int written = StrictUtf8.GetBytes(v, s);
        _output.Advance(written);
    }

    /// <summary>Writes already-encoded UTF-8 as a str (the caller vouches for its validity).</summary>
    public void WriteStringUtf8(ReadOnlySpan<byte> utf8)
    {
        WriteStringHeader(utf8.Length);
        WriteRaw(utf8);
    }

    public void WriteStringHeader(int byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        if (byteCount <= 31)
            WriteByte((byte)(MessagePackCode.FixStr | byteCount));
        else if (byteCount <= byte.MaxValue)
            WriteCodeAndLength8(MessagePackCode.Str8, byteCount);
        else if (byteCount <= ushort.MaxValue)
            WriteCodeAndLength16(MessagePackCode.Str16, byteCount);
        else
            WriteCodeAndLength32(MessagePackCode.Str32, byteCount);
    }

    public void WriteBinary(ReadOnlySpan<byte> v)
    {
        WriteBinaryHeader(v.Length);
        WriteRaw(v);
    }

    public void WriteBinaryHeader(int byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        if (byteCount <= byte.MaxValue)
            WriteCodeAndLength8(MessagePackCode.Bin8, byteCount);
        else if (byteCount <= ushort.MaxValue)
            WriteCodeAndLength16(MessagePackCode.Bin16, byteCount);
        else
            WriteCodeAndLength32(MessagePackCode.Bin32, byteCount);
    }

    public void WriteArrayHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count <= 15)
            WriteByte((byte)(MessagePackCode.FixArray | count));
        else if (count <= ushort.MaxValue)
            WriteCodeAndLength16(MessagePackCode.Array16, count);
        else
            WriteCodeAndLength32(MessagePackCode.Array32, count);
    }

    public void WriteMapHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count <= 15)
            WriteByte((byte)(MessagePackCode.FixMap | count));
        else if (count <= ushort.MaxValue)
            WriteCodeAndLength16(MessagePackCode.Map16, count);
        else
            WriteCodeAndLength32(MessagePackCode.Map32, count);
    }

    public void WriteExtension(sbyte type, ReadOnlySpan<byte> data)
    {
        WriteExtensionHeader(type, data.Length);
        WriteRaw(data);
    }

    public void WriteExtensionHeader(sbyte type, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        byte fixCode = length switch
        {
            1 => MessagePackCode.FixExt1,
            2 => MessagePackCode.FixExt2,
            4 => MessagePackCode.FixExt4,
            8 => MessagePackCode.FixExt8,
            16 => MessagePackCode.FixExt16,
            _ => 0,
        };
        if (fixCode != 0)
        {
            Span<byte> s = _output.GetSpan(2);
            s[0] = fixCode;
            s[1] = unchecked((byte)type);
            _output.Advance(2);
            return;
        }
        if (length <= byte.MaxValue)
            WriteCodeAndLength8(MessagePackCode.Ext8, length);
        else if (length <= ushort.MaxValue)
            WriteCodeAndLength16(MessagePackCode.Ext16, length);
        else
            WriteCodeAndLength32(MessagePackCode.Ext32, length);
        WriteByte(unchecked((byte)type));
    }

    public void WriteTimestamp(DateTimeOffset v) => WriteTimestamp(MessagePackTimestamp.FromDateTimeOffset(v));

    /// <summary>Timestamp extension (-1) in the smallest of timestamp32/64/96 that holds the value.</summary>
    public void WriteTimestamp(MessagePackTimestamp v)
    {
        if (v.Nanoseconds >= MessagePackTimestamp.NanosecondsPerSecond)
            throw new ArgumentOutOfRangeException(nameof(v), v.Nanoseconds, "nanoseconds must be below 1,000,000,000");
        if ((v.Seconds >> 34) == 0)
        {
            ulong data64 = ((ulong)v.Nanoseconds << 34) | (ulong)v.Seconds;
            if ((data64 & 0xFFFFFFFF00000000UL) == 0)
            {
                Span<byte> s = _output.GetSpan(6);
                s[0] = MessagePackCode.FixExt4;
                s[1] = unchecked((byte)MessagePackCode.TimestampType);
                BinaryPrimitives.WriteUInt32BigEndian(s[2..], (uint)data64);
                _output.Advance(6);
            }
            else
            {
                Span<byte> s = _output.GetSpan(10);
                s[0] = MessagePackCode.FixExt8;
                s[1] = unchecked((byte)MessagePackCode.TimestampType);
                BinaryPrimitives.WriteUInt64BigEndian(s[2..], data64);
                _output.Advance(10);
            }
        }
        else
        {
            Span<byte> s = _output.GetSpan(15);
            s[0] = MessagePackCode.Ext8;
            s[1] = 12;
            s[2] = unchecked((byte)MessagePackCode.TimestampType);
            BinaryPrimitives.WriteUInt32BigEndian(s[3..], v.Nanoseconds);
            BinaryPrimitives.WriteInt64BigEndian(s[7..], v.Seconds);
            _output.Advance(15);
        }
    }

    /// <summary>Copies bytes that are already valid MessagePack (e.g. a pre-encoded value).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            return;
        bytes.CopyTo(_output.GetSpan(bytes.Length));
        _output.Advance(bytes.Length);
    }

    private void WriteByte(byte b)
    {
        _output.GetSpan(1)[0] = b;
        _output.Advance(1);
    }

    private void WriteCodeAndLength8(byte code, int length)
    {
        Span<byte> s = _output.GetSpan(2);
        s[0] = code;
        s[1] = (byte)length;
        _output.Advance(2);
    }

    private void WriteCodeAndLength16(byte code, int length)
    {
        Span<byte> s = _output.GetSpan(3);
        s[0] = code;
        BinaryPrimitives.WriteUInt16BigEndian(s[1..], (ushort)length);
        _output.Advance(3);
    }

    private void WriteCodeAndLength32(byte code, int length)
    {
        Span<byte> s = _output.GetSpan(5);
        s[0] = code;
        BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)length);
        _output.Advance(5);
    }
}
