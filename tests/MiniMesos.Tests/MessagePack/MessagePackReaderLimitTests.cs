using System.Buffers;
using MiniMesos.Net.MessagePack;
using Xunit;

namespace MiniMesos.Tests.MessagePack;

/// <summary>Hostile input: every failure is one MessagePackException with a useful message.</summary>
public sealed class MessagePackReaderLimitTests
{
    [Fact]
    public void ReservedByteIsRejectedEverywhere()
    {
        var e = Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes("c1")).PeekType());
        Assert.Contains("0xc1", e.Message);
        Assert.Throws<MessagePackException>(() => MessagePackValue.Parse(Mp.Bytes("92 01 c1")));
        var ex = Assert.Throws<MessagePackException>(() => { var r = new MessagePackReader(Mp.Bytes("92 01 c1")); r.Skip(); });
        Assert.Equal(2, ex.Offset);
        Assert.Contains("offset 2", ex.Message);
    }

    [Theory]
    [InlineData("", "end of data")]
    [InlineData("cd01", "truncated")]
    [InlineData("cf0000", "truncated")]
    [InlineData("cb3ff0", "truncated")]
    [InlineData("d9", "truncated")]
    [InlineData("d905616263", "declares 5 bytes but only 3 remain")]
    [InlineData("c6ffffffff00", "exceeds the limit")]
    [InlineData("c60000ffff00", "declares 65535 bytes")]
    [InlineData("dbffffffff", "exceeds the limit")]
    [InlineData("ddffffffff", "exceeds the limit")]
    [InlineData("dd000f4240", "declares 1000000 entries")]
    [InlineData("df00000003c0c0c0c0c0", "declares 3 entries")]
    [InlineData("d8", "truncated")]
    [InlineData("c90000000101", "declares 2 bytes")]
    [InlineData("92920101", "end of data")]
    [InlineData("9301", "array declares 3 entries")]
    [InlineData("8101", "map declares 1 entries")]
    public void TruncatedOrInflatedInputFailsClearly(string hex, string expected)
    {
        byte[] bytes = Mp.Bytes(hex);
        var e1 = Assert.Throws<MessagePackException>(() => MessagePackValue.Parse(bytes));
        Assert.Contains(expected, e1.Message);
        var e2 = Assert.Throws<MessagePackException>(() => { var r = new MessagePackReader(bytes); r.Skip(); });
        Assert.Contains(expected, e2.Message);
    }

    [Fact]
    public void WrongTypeSaysExpectedAndFound()
    {
        var e = Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes("a3616263")).ReadInt64());
        Assert.Equal("MessagePack: expected integer, found String (0xa3) at byte offset 0", e.Message);
        e = Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes("c3")).ReadMapHeader());
        Assert.Contains("expected map, found Boolean (0xc3)", e.Message);
        Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes("c0")).ReadBinary());
        Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes("90")).ReadDouble());
        Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes("c0")).ReadBoolean());
        Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes("00")).ReadExtension());
    }

    [Fact]
    public void DepthLimitIsEnforcedByTreeAndSkip()
    {
        var limits = new MessagePackLimits { MaxDepth = 64 };
        byte[] ok = Nested(64, 0x91);
        Assert.Equal(ok, MessagePackValue.Parse(ok, limits).ToBytes());
        byte[] tooDeep = Nested(65, 0x91);
        var e = Assert.Throws<MessagePackException>(() => MessagePackValue.Parse(tooDeep, limits));
        Assert.Contains("nesting deeper than the limit of 64", e.Message);
        Assert.Throws<MessagePackException>(() => { var r = new MessagePackReader(tooDeep, limits); r.Skip(); });
        var rr = new MessagePackReader(ok, limits);
        rr.Skip();
        Assert.True(rr.End);

        // Maps nest too, and a huge depth is refused without a stack overflow.
        byte[] deepMaps = Nested(100_000, 0x81);
        Assert.Throws<MessagePackException>(() => MessagePackValue.Parse(deepMaps));
        Assert.Throws<MessagePackException>(() => { var r = new MessagePackReader(deepMaps); r.Skip(); });
        var wide = new MessagePackLimits { MaxDepth = 1000 };
        byte[] deep1000 = Nested(1000, 0x91);
        var r2 = new MessagePackReader(deep1000, wide);
        r2.Skip();
        Assert.True(r2.End);
        Assert.Equal(deep1000, MessagePackValue.Parse(deep1000, wide).ToBytes());

        static byte[] Nested(int depth, byte header)
        {
            var b = new byte[depth + (header == 0x81 ? depth : 0) + 1];
            int i = 0;
            for (int d = 0; d < depth; d++)
            {
                b[i++] = header;
                if (header == 0x81) b[i++] = 0x00; // key; the value is the next level
            }
            b[i] = 0xc0;
            return b;
        }
    }

    [Fact]
    public void ConfiguredLimitsApply()
    {
        var limits = new MessagePackLimits { MaxStringBytes = 4, MaxBinaryBytes = 4, MaxCollectionCount = 2, MaxFrameBytes = 64 };
        Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes("a56161616161"), limits).ReadString());
        Assert.Equal("aaaa", new MessagePackReader(Mp.Bytes("a461616161"), limits).ReadString());
        Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes("c40500000000 00"), limits).ReadBinary());
        Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes("93c0c0c0"), limits).ReadArrayHeader());
        Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes("83c0c0c0c0c0c0"), limits).ReadMapHeader());
        var e = Assert.Throws<MessagePackException>(() => new MessagePackReader(new byte[65], limits));
        Assert.Contains("exceeds the limit of 64 bytes", e.Message);
        Assert.Throws<MessagePackException>(() => new MessagePackReader(new ReadOnlySequence<byte>(new byte[65]), limits));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackReader(new byte[1], new MessagePackLimits { MaxDepth = 5000 }));
    }

    [Fact]
    public void MultiSegmentSequenceIsRead()
    {
        byte[] all = Mp.Bytes("93 01 a3616263 cd0100");
        var first = new Segment(all.AsMemory(0, 3));
        var last = first.Append(all.AsMemory(3));
        var r = new MessagePackReader(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length));
        Assert.Equal(3, r.ReadArrayHeader());
        Assert.Equal(1, r.ReadInt32());
        Assert.Equal("abc", r.ReadString());
        Assert.Equal(256, r.ReadInt32());
        Assert.True(r.End);
    }

    [Fact]
    public void ReadRawReturnsExactlyOneValue()
    {
        var r = new MessagePackReader(Mp.Bytes("92 01 81 a161 c3 07"));
        Assert.Equal("920181a161c3", Convert.ToHexStringLower(r.ReadRaw()));
        Assert.Equal(7, r.ReadInt32());
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
