using System.Net;
using System.Text;
using MiniMesos.Core.Dns;
using MiniMesos.Net.Discovery;
using Xunit;

namespace MiniMesos.Tests.Discovery;

public sealed class DnsCodecTests
{
    private static readonly DnsName Service = DnsName.Parse("_minimesos._tcp.local.");

    private static byte[] Label(string text) => [(byte)text.Length, .. Encoding.ASCII.GetBytes(text)];

    private static byte[] Header(ushort id, ushort flags, int qd, int an, int ns, int ar) =>
        [(byte)(id >> 8), (byte)id, (byte)(flags >> 8), (byte)flags, 0, (byte)qd, 0, (byte)an, 0, (byte)ns, 0, (byte)ar];

    [Fact]
    public void ReadsHandMadeMdnsQueryWithUnicastBit()
    {
        byte[] packet = [.. Header(0, 0, 1, 0, 0, 0), .. Label("_minimesos"), .. Label("_tcp"), .. Label("local"), 0, 0, 12, 0x80, 1];
        var m = DnsMessageReader.Read(packet);
        var q = Assert.Single(m.Questions);
        Assert.Equal(Service, q.Name);
        Assert.Equal(DnsType.Ptr, q.Type);
        Assert.Equal(DnsType.ClassIn, q.Class);
        Assert.True(q.UnicastResponse);
        Assert.False(m.Header.IsResponse);
        Assert.Equal(packet, m.Encode());
    }

    [Fact]
    public void ReadsRfc1035CompressionExample()
    {
        // RFC 1035 §4.1.4: F.ISI.ARPA, then FOO.F.ISI.ARPA as FOO + pointer, then ARPA as a bare pointer.
        byte[] packet = [.. Header(7, 0, 3, 0, 0, 0),
            .. Label("F"), .. Label("ISI"), .. Label("ARPA"), 0, 0, 1, 0, 1,   // name at offset 12
            .. Label("FOO"), 0xC0, 12, 0, 1, 0, 1,
            0xC0, 18, 0, 1, 0, 1];                                              // offset 18 = "ARPA"
        var m = DnsMessageReader.Read(packet);
        Assert.Equal(7, m.Header.Id);
        Assert.Equal(["F.ISI.ARPA.", "FOO.F.ISI.ARPA.", "ARPA."], m.Questions.Select(q => q.Name.ToString()));
        Assert.Equal(DnsName.Parse("foo.f.isi.arpa"), m.Questions[1].Name);   // case-insensitive
    }

    [Fact]
    public void WriterCompressesSharedSuffixesExactly()
    {
        var instance = Service.Prepend("n1");
        var m = DnsMessage.Response([new DnsRecord(Service, 4500, new PtrRecordData(instance))]);
        byte[] expected = [.. Header(0, 0x8400, 0, 1, 0, 0),
            .. Label("_minimesos"), .. Label("_tcp"), .. Label("local"), 0, 0, 12, 0, 1, 0, 0, 0x11, 0x94,
            0, 5, .. Label("n1"), 0xC0, 12];
        Assert.Equal(expected, m.Encode());
        var back = DnsMessageReader.Read(expected);
        Assert.Equal(instance, ((PtrRecordData)back.Answers[0].Data).Target);
    }

    [Fact]
    public void RoundTripsEveryRecordKindWithFlags()
    {
        var instance = Service.Prepend("node (2).with dot");
        var host = DnsName.Parse("node-2.local");
        DnsRecord[] answers =
        [
            new(Service, 4500, new PtrRecordData(instance)),
            new(instance, 120, new SrvRecordData(0, 0, 5051, host), CacheFlush: true),
            new(instance, 4500, TxtRecordData.FromPairs([new("role", "agent"), new("cluster", "c1")]), CacheFlush: true),
            new(host, 120, new AddressRecordData(IPAddress.Parse("198.18.0.2")), CacheFlush: true),
            new(host, 120, new AddressRecordData(IPAddress.Parse("fd00::2")), CacheFlush: true),
            new(host, 120, new NsecRecordData(host, [DnsType.A, DnsType.Aaaa, 1234]), CacheFlush: true),
            new(host, 60, new UnknownRecordData(99, [1, 2, 3])),
        ];
        var m = new DnsMessage(DnsHeader.MdnsResponse, [new DnsQuestion(instance, DnsType.Any, UnicastResponse: true)], answers, [], [answers[3]]);
        var back = DnsMessageReader.Read(m.Encode());
        Assert.Equal(m.Header, back.Header);
        Assert.Equal(m.Questions, back.Questions);
        Assert.Equal(answers, back.Answers);
        Assert.Equal(answers[3], Assert.Single(back.Additionals));
        Assert.Equal("node (2).with dot", back.Answers[1].Name.Labels[0]);
        Assert.Equal([DnsType.A, DnsType.Aaaa, (ushort)1234], ((NsecRecordData)back.Answers[5].Data).Types);
        Assert.Equal("agent", ((TxtRecordData)back.Answers[2].Data).ToPairs()["role"]);
        Assert.True(back.Answers[1].CacheFlush);
        Assert.False(back.Answers[0].CacheFlush);
    }

    public static TheoryData<string, byte[]> Malformed => new()
    {
        { "short header", [0, 0, 0] },
        { "pointer to itself", [.. Header(0, 0, 1, 0, 0, 0), 0xC0, 12, 0, 1, 0, 1] },
        { "forward pointer", [.. Header(0, 0, 1, 0, 0, 0), 0xC0, 16, 0, 1, 0, 1, 0, 0, 0, 0] },
        { "pointer out of bounds", [.. Header(0, 0, 1, 0, 0, 0), 0xFF, 0xFF, 0, 1, 0, 1] },
        { "two-step loop", [.. Header(0, 0, 2, 0, 0, 0), 1, (byte)'a', 0xC0, 20, 0, 1, 0, 1, 0xC0, 12, 0, 1, 0, 1] },
        { "label type 01 (length 64+)", [.. Header(0, 0, 1, 0, 0, 0), 0x40, .. new byte[64], 0, 0, 1, 0, 1] },
        { "label type 10", [.. Header(0, 0, 1, 0, 0, 0), 0x80, 0, 0, 1, 0, 1] },
        { "label past end", [.. Header(0, 0, 1, 0, 0, 0), 10, (byte)'a'] },
        { "question count too large", Header(0, 0, 65535, 0, 0, 0) },
        { "record count too large", [.. Header(0, 0, 0, 1000, 1000, 1000), .. new byte[100]] },
        { "A with 5 bytes", [.. Header(0, 0x8400, 0, 1, 0, 0), 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 5, 1, 2, 3, 4, 5] },
        { "rdlength past end", [.. Header(0, 0x8400, 0, 1, 0, 0), 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 9, 1, 2, 3, 4] },
        { "TXT string past rdata", [.. Header(0, 0x8400, 0, 1, 0, 0), 0, 0, 16, 0, 1, 0, 0, 0, 1, 0, 2, 5, 1] },
        { "PTR name leaves rdata", [.. Header(0, 0x8400, 0, 1, 0, 0), 0, 0, 12, 0, 1, 0, 0, 0, 1, 0, 2, 1, (byte)'a', 0] },
        { "NSEC next name past rdata", [.. Header(0, 0x8400, 0, 1, 0, 0), 0, 0, 47, 0, 1, 0, 0, 0, 1, 0, 2, 3, (byte)'a'] },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedPacketsThrowFormatException(string why, byte[] packet)
    {
        var ex = Assert.Throws<DnsFormatException>(() => DnsMessageReader.Read(packet));
        Assert.False(string.IsNullOrEmpty(ex.Message), why);
    }

    [Fact]
    public void ReadsPythonZeroconfProbeDefenceWithItsMalformedNsecBitmap()
    {
        // Captured from python-zeroconf 0.47 answering a probe (unicast, so no cache-flush bits). Its NSEC writes
        // the bitmap window and length as 16-bit values; the packet must still be usable.
        var packet = Convert.FromHexString(
            "0000840000000002000000020574616b656e0a5f6d696e696d65736f73045f746370056c6f63616c0000100001000011940000" +
            "c00c0021000100000078000e0000000017700574616b656ec022c045002f000100001194000ac0450000000400000008c045" +
            "00010001000000780004c6120003");
        var m = DnsMessageReader.Read(packet);
        Assert.Equal([DnsType.Txt, DnsType.Srv], m.Answers.Select(a => a.Type));
        Assert.Empty(((TxtRecordData)m.Answers[0].Data).Strings);
        Assert.Equal(new SrvRecordData(0, 0, 6000, DnsName.Parse("taken.local")), m.Answers[1].Data);
        var nsec = Assert.IsType<NsecRecordData>(m.Additionals[0].Data);
        Assert.Equal(DnsName.Parse("taken.local"), nsec.NextName);
        Assert.Empty(nsec.Types);
        Assert.Equal(IPAddress.Parse("198.18.0.3"), ((AddressRecordData)m.Additionals[1].Data).Address);
    }

    [Fact]
    public void NameLongerThan255BytesViaPointersIsRejected()
    {
        // Each question adds a 63-byte label in front of the previous name: the 4th reaches 257 bytes.
        var packet = new List<byte>(Header(0, 0, 4, 0, 0, 0));
        var previous = -1;
        for (var i = 0; i < 4; i++)
        {
            var at = packet.Count;
            packet.Add(63);
            packet.AddRange(Enumerable.Repeat((byte)'x', 63));
            if (previous < 0) packet.Add(0); else { packet.Add(0xC0); packet.Add((byte)previous); }
            packet.AddRange([0, 1, 0, 1]);
            previous = at;
        }
        var ex = Assert.Throws<DnsFormatException>(() => DnsMessageReader.Read(packet.ToArray()));
        Assert.Contains("255", ex.Message);
    }

    [Fact]
    public void EveryTruncationOfAValidPacketIsAFormatError()
    {
        var full = DnsMessage.Response(
            [new DnsRecord(Service, 4500, new PtrRecordData(Service.Prepend("a"))),
             new DnsRecord(Service.Prepend("a"), 120, new SrvRecordData(0, 0, 1, DnsName.Parse("h.local")))]).Encode();
        DnsMessageReader.Read(full);
        for (var n = 0; n < full.Length; n++)
        {
            Assert.Throws<DnsFormatException>(() => DnsMessageReader.Read(full.AsSpan(0, n)));
        }
    }

    [Fact]
    public void WriterRejectsOversizeLabelsAndNames()
    {
        Assert.Throws<DnsFormatException>(() => new DnsName([new string('a', 64)]));
        Assert.Throws<DnsFormatException>(() => new DnsName(Enumerable.Repeat(new string('a', 63), 4).ToArray()));
        Assert.Throws<DnsFormatException>(() => new TxtRecordData([new byte[256]]));
    }
}
