using System.Text;
using MiniMesos.Net.MessagePack;
using Xunit;

namespace MiniMesos.Tests.MessagePack;

/// <summary>Every format and every boundary: exact bytes written, and read back to the same value.</summary>
public sealed class MessagePackFormatTests
{
    [Theory]
    [InlineData(0L, "00")]
    [InlineData(127L, "7f")]
    [InlineData(128L, "cc80")]
    [InlineData(255L, "ccff")]
    [InlineData(256L, "cd0100")]
    [InlineData(65535L, "cdffff")]
    [InlineData(65536L, "ce00010000")]
    [InlineData(4294967295L, "ceffffffff")]
    [InlineData(4294967296L, "cf0000000100000000")]
    [InlineData(long.MaxValue, "cf7fffffffffffffff")]
    [InlineData(-1L, "ff")]
    [InlineData(-32L, "e0")]
    [InlineData(-33L, "d0df")]
    [InlineData(-128L, "d080")]
    [InlineData(-129L, "d1ff7f")]
    [InlineData(-32768L, "d18000")]
    [InlineData(-32769L, "d2ffff7fff")]
    [InlineData(-2147483648L, "d280000000")]
    [InlineData(-2147483649L, "d3ffffffff7fffffff")]
    [InlineData(long.MinValue, "d38000000000000000")]
    public void Int64UsesSmallestFormat(long value, string hex)
    {
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteInt64(value));
        Assert.Equal(hex, Mp.Hex(bytes));
        var r = new MessagePackReader(bytes);
        Assert.Equal(MessagePackType.Integer, r.PeekType());
        Assert.Equal(value, r.ReadInt64());
        Assert.True(r.End);
    }

    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(127UL, "7f")]
    [InlineData(128UL, "cc80")]
    [InlineData(4294967296UL, "cf0000000100000000")]
    [InlineData(9223372036854775808UL, "cf8000000000000000")]
    [InlineData(ulong.MaxValue, "cfffffffffffffffff")]
    public void UInt64UsesSmallestFormat(ulong value, string hex)
    {
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteUInt64(value));
        Assert.Equal(hex, Mp.Hex(bytes));
        var r = new MessagePackReader(bytes);
        Assert.Equal(value, r.ReadUInt64());
    }

    [Fact]
    public void IntegerRangeChecksThrowClearly()
    {
        byte[] big = Mp.Bytes("cfffffffffffffffff");
        var e = Assert.Throws<MessagePackException>(() => new MessagePackReader(big).ReadInt64());
        Assert.Contains("out of range for Int64", e.Message);
        Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes("ff")).ReadUInt64());
        Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes("ce80000000")).ReadInt32());
        Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes("d3ffffffff7fffffff")).ReadInt32());
        Assert.Equal(int.MinValue, new MessagePackReader(Mp.Bytes("d280000000")).ReadInt32());
        Assert.Equal(int.MaxValue, new MessagePackReader(Mp.Bytes("ce7fffffff")).ReadInt32());
        // Non-minimal encodings from other writers are still read.
        Assert.Equal(1, new MessagePackReader(Mp.Bytes("d30000000000000001")).ReadInt64());
        Assert.Equal(-1, new MessagePackReader(Mp.Bytes("d1ffff")).ReadInt32());
    }

    [Theory]
    [InlineData(31, "bf")]
    [InlineData(32, "d920")]
    [InlineData(255, "d9ff")]
    [InlineData(256, "da0100")]
    [InlineData(65535, "daffff")]
    [InlineData(65536, "db00010000")]
    public void StringHeaderBoundaries(int length, string headerHex)
    {
        string s = new('a', length);
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteString(s));
        Assert.Equal(headerHex, Mp.Hex(bytes[..(headerHex.Length / 2)]));
        Assert.Equal(headerHex.Length / 2 + length, bytes.Length);
        var r = new MessagePackReader(bytes);
        Assert.Equal(MessagePackType.String, r.PeekType());
        Assert.Equal(s, r.ReadString());
        Assert.True(r.End);
        byte[] viaUtf8 = Mp.Encode((ref MessagePackWriter w) => w.WriteStringUtf8(Encoding.UTF8.GetBytes(s)));
        Assert.Equal(bytes, viaUtf8);
    }

    [Fact]
    public void StringEdgeCases()
    {
        Assert.Equal("c0", Mp.Hex(Mp.Encode((ref MessagePackWriter w) => w.WriteString(null))));
        Assert.Equal("a0", Mp.Hex(Mp.Encode((ref MessagePackWriter w) => w.WriteString(""))));
        Assert.Null(new MessagePackReader(Mp.Bytes("c0")).ReadString());
        // "é€😀" is 2 + 3 + 4 UTF-8 bytes.
        byte[] multi = Mp.Encode((ref MessagePackWriter w) => w.WriteString("é€😀"));
        Assert.Equal("a9c3a9e282acf09f9880", Mp.Hex(multi));
        Assert.Equal("é€😀", new MessagePackReader(multi).ReadString());
        var e = Assert.Throws<MessagePackException>(() => Mp.Encode((ref MessagePackWriter w) => w.WriteString("a\ud800b")));
        Assert.Contains("lone surrogate", e.Message);
    }

    [Theory]
    [InlineData("a2c328")]       // invalid continuation
    [InlineData("a2c0af")]       // overlong encoding
    [InlineData("a3eda080")]     // UTF-16 surrogate encoded in UTF-8
    [InlineData("a1ff")]         // never valid
    [InlineData("a4f4908080")]   // above U+10FFFF
    public void InvalidUtf8IsRejected(string hex)
    {
        byte[] bytes = Mp.Bytes(hex);
        var e = Assert.Throws<MessagePackException>(() => new MessagePackReader(bytes).ReadString());
        Assert.Contains("not valid UTF-8", e.Message);
        Assert.Contains("offset 0", e.Message);
        Assert.Throws<MessagePackException>(() => MessagePackValue.Parse(bytes));
        // Skip does not interpret the bytes, so it accepts them.
        var r = new MessagePackReader(bytes);
        r.Skip();
        Assert.True(r.End);
    }

    [Theory]
    [InlineData(0, "c400")]
    [InlineData(255, "c4ff")]
    [InlineData(256, "c50100")]
    [InlineData(65535, "c5ffff")]
    [InlineData(65536, "c600010000")]
    public void BinaryHeaderBoundaries(int length, string headerHex)
    {
        byte[] data = Mp.Filled(length, 0x5a);
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteBinary(data));
        Assert.Equal(headerHex, Mp.Hex(bytes[..(headerHex.Length / 2)]));
        var r = new MessagePackReader(bytes);
        Assert.Equal(MessagePackType.Binary, r.PeekType());
        Assert.Equal(data, r.ReadBinary());
        Assert.True(r.End);
    }

    [Theory]
    [InlineData(0, "90", "80")]
    [InlineData(15, "9f", "8f")]
    [InlineData(16, "dc0010", "de0010")]
    [InlineData(65535, "dcffff", "deffff")]
    [InlineData(65536, "dd00010000", "df00010000")]
    public void CollectionHeaderBoundaries(int count, string arrayHex, string mapHex)
    {
        byte[] array = Mp.Encode((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(count);
            for (int i = 0; i < count; i++) w.WriteNil();
        });
        Assert.Equal(arrayHex, Mp.Hex(array[..(arrayHex.Length / 2)]));
        var r = new MessagePackReader(array);
        Assert.Equal(MessagePackType.Array, r.PeekType());
        Assert.Equal(count, r.ReadArrayHeader());
        byte[] map = Mp.Encode((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(count);
            for (int i = 0; i < 2 * count; i++) w.WriteNil();
        });
        Assert.Equal(mapHex, Mp.Hex(map[..(mapHex.Length / 2)]));
        r = new MessagePackReader(map);
        Assert.Equal(MessagePackType.Map, r.PeekType());
        Assert.Equal(count, r.ReadMapHeader());
        // Whole values round-trip through the generic tree and Skip.
        Assert.Equal(array, MessagePackValue.Parse(array).ToBytes());
        Assert.Equal(map, MessagePackValue.Parse(map).ToBytes());
        r = new MessagePackReader(map);
        r.Skip();
        Assert.True(r.End);
    }

    [Theory]
    [InlineData(1, "d405")]
    [InlineData(2, "d505")]
    [InlineData(4, "d605")]
    [InlineData(8, "d705")]
    [InlineData(16, "d805")]
    [InlineData(0, "c70005")]
    [InlineData(3, "c70305")]
    [InlineData(17, "c71105")]
    [InlineData(255, "c7ff05")]
    [InlineData(256, "c8010005")]
    [InlineData(65535, "c8ffff05")]
    [InlineData(65536, "c90001000005")]
    public void ExtensionFormats(int length, string headerHex)
    {
        byte[] data = Mp.Filled(length, 0x33);
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteExtension(5, data));
        Assert.Equal(headerHex, Mp.Hex(bytes[..(headerHex.Length / 2)]));
        Assert.Equal(headerHex.Length / 2 + length, bytes.Length);
        var r = new MessagePackReader(bytes);
        Assert.Equal(MessagePackType.Extension, r.PeekType());
        var (type, payload) = r.ReadExtension();
        Assert.Equal(5, type);
        Assert.Equal(data, payload.ToArray());
        Assert.True(r.End);
        byte[] negative = Mp.Encode((ref MessagePackWriter w) => w.WriteExtension(-128, data));
        Assert.Equal(-128, new MessagePackReader(negative).ReadExtension().Type);
    }

    [Theory]
    [InlineData(0L, 0u, "d6ff00000000")]
    [InlineData(4294967295L, 0u, "d6ffffffffff")]
    [InlineData(4294967296L, 0u, "d7ff0000000100000000")]
    [InlineData(0L, 1u, "d7ff0000000400000000")]
    [InlineData(17179869183L, 999999999u, "d7ffee6b27ffffffffff")]
    [InlineData(17179869184L, 0u, "c70cff000000000000000400000000")]
    [InlineData(-1L, 0u, "c70cff00000000ffffffffffffffff")]
    [InlineData(-1L, 999999999u, "c70cff3b9ac9ffffffffffffffffff")]
    [InlineData(long.MinValue, 0u, "c70cff000000008000000000000000")]
    [InlineData(long.MaxValue, 999999999u, "c70cff3b9ac9ff7fffffffffffffff")]
    public void TimestampUsesSmallestFormat(long seconds, uint nanos, string hex)
    {
        var ts = new MessagePackTimestamp(seconds, nanos);
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteTimestamp(ts));
        Assert.Equal(hex, Mp.Hex(bytes));
        var r = new MessagePackReader(bytes);
        Assert.Equal(ts, r.ReadTimestampExact());
        Assert.True(r.End);
        Assert.Equal(bytes, MessagePackValue.Parse(bytes).ToBytes());
    }

    [Fact]
    public void TimestampFromDateTimeOffset()
    {
        var before1970 = new DateTimeOffset(1969, 12, 31, 23, 59, 59, 500, TimeSpan.Zero);
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteTimestamp(before1970));
        Assert.Equal(new MessagePackTimestamp(-1, 500_000_000), new MessagePackReader(bytes).ReadTimestampExact());
        Assert.Equal(before1970, new MessagePackReader(bytes).ReadTimestamp());
        var t = new DateTimeOffset(2026, 11, 22, 4, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteTimestamp(t));
        Assert.Equal(t.UtcDateTime, new MessagePackReader(bytes).ReadTimestamp().UtcDateTime);
        Assert.Equal(DateTimeOffset.MinValue, Roundtrip(DateTimeOffset.MinValue));
        Assert.Equal(DateTimeOffset.MaxValue, Roundtrip(DateTimeOffset.MaxValue));
        // Representable on the wire but not as DateTimeOffset: a clear error, not an overflow.
        byte[] far = Mp.Encode((ref MessagePackWriter w) => w.WriteTimestamp(new MessagePackTimestamp(long.MaxValue, 0)));
        var e = Assert.Throws<MessagePackException>(() => new MessagePackReader(far).ReadTimestamp());
        Assert.Contains("outside the range", e.Message);

        static DateTimeOffset Roundtrip(DateTimeOffset v) =>
            new MessagePackReader(Mp.Encode((ref MessagePackWriter w) => w.WriteTimestamp(v))).ReadTimestamp();
    }

    [Theory]
    [InlineData("d6fe00000000", "expected timestamp")]              // wrong ext type
    [InlineData("d4ff00", "invalid length 1")]                       // fixext1 of type -1
    [InlineData("d7fffffffffc00000000", "nanoseconds")]              // ts64 nanos = 2^30-1 > 999,999,999
    [InlineData("c70cff3b9aca00000000000000000000", "nanoseconds")]  // ts96 nanos = 1e9
    public void InvalidTimestampsAreRejected(string hex, string expected)
    {
        var e = Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes(hex)).ReadTimestampExact());
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void FloatsKeepTheirWidthAndBits()
    {
        Assert.Equal("ca3fc00000", Mp.Hex(Mp.Encode((ref MessagePackWriter w) => w.WriteSingle(1.5f))));
        Assert.Equal("cb3ff8000000000000", Mp.Hex(Mp.Encode((ref MessagePackWriter w) => w.WriteDouble(1.5))));
        Assert.Equal("ca80000000", Mp.Hex(Mp.Encode((ref MessagePackWriter w) => w.WriteSingle(-0.0f))));
        Assert.Equal("cb8000000000000000", Mp.Hex(Mp.Encode((ref MessagePackWriter w) => w.WriteDouble(-0.0))));
        Assert.Equal("ca7f800000", Mp.Hex(Mp.Encode((ref MessagePackWriter w) => w.WriteSingle(float.PositiveInfinity))));
        Assert.Equal("cbfff0000000000000", Mp.Hex(Mp.Encode((ref MessagePackWriter w) => w.WriteDouble(double.NegativeInfinity))));
        foreach (double d in new[] { 0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, double.MaxValue, double.MinValue, 0.1 })
        {
            byte[] b = Mp.Encode((ref MessagePackWriter w) => w.WriteDouble(d));
            var r = new MessagePackReader(b);
            Assert.Equal(MessagePackType.Float, r.PeekType());
            Assert.Equal(BitConverter.DoubleToInt64Bits(d), BitConverter.DoubleToInt64Bits(r.ReadDouble()));
        }
        foreach (float f in new[] { 0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, float.MaxValue, 0.1f })
        {
            byte[] b = Mp.Encode((ref MessagePackWriter w) => w.WriteSingle(f));
            Assert.Equal(BitConverter.SingleToInt32Bits(f), BitConverter.SingleToInt32Bits(new MessagePackReader(b).ReadSingle()));
            Assert.Equal((double)f, new MessagePackReader(b).ReadDouble());
            Assert.Equal(b, MessagePackValue.Parse(b).ToBytes()); // float32 stays float32
        }
        Assert.Equal(42.0, new MessagePackReader(Mp.Bytes("2a")).ReadDouble());
        Assert.Equal(-1.0f, new MessagePackReader(Mp.Bytes("ff")).ReadSingle());
        Assert.Equal(1.8446744073709552E19, new MessagePackReader(Mp.Bytes("cfffffffffffffffff")).ReadDouble());
    }

    [Fact]
    public void NilAndBooleans()
    {
        Assert.Equal("c0c2c3", Mp.Hex(Mp.Encode((ref MessagePackWriter w) => { w.WriteNil(); w.WriteBoolean(false); w.WriteBoolean(true); })));
        var r = new MessagePackReader(Mp.Bytes("c0c2c3"));
        Assert.Equal(MessagePackType.Nil, r.PeekType());
        Assert.True(r.TryReadNil());
        Assert.False(r.TryReadNil());
        Assert.Equal(MessagePackType.Boolean, r.PeekType());
        Assert.False(r.ReadBoolean());
        Assert.True(r.ReadBoolean());
        Assert.True(r.End);
        Assert.Equal(3, r.Consumed);
    }
}
