using System.Net;
using MiniMesos.Core.Dns;

namespace MiniMesos.Tests.Discovery;

/// <summary>The DNS fuzzer's inputs: random packets, and mutations of a corpus of well-formed mDNS and unicast DNS messages.</summary>
internal static class DnsFuzzer
{
    public static byte[] RandomBytes(Random rng)
    {
        var b = new byte[rng.Next(0, 300)];
        rng.NextBytes(b);
        // Small counts make it past the header check more often.
        if (b.Length >= 12 && rng.Next(2) == 0)
        {
            for (var k = 4; k < 12; k += 2) { b[k] = 0; b[k + 1] = (byte)rng.Next(4); }
        }
        return b;
    }

    public static byte[] Mutate(Random rng, byte[] seed)
    {
        var b = new List<byte>(seed);
        var edits = rng.Next(1, 5);
        for (var e = 0; e < edits && b.Count > 0; e++)
        {
            var at = rng.Next(b.Count);
            switch (rng.Next(6))
            {
                case 0: b[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: b[at] = (byte)rng.Next(256); break;
                case 2: b.RemoveRange(at, b.Count - at); break;
                case 3: b.Insert(at, (byte)rng.Next(256)); break;
                case 4: b.RemoveAt(at); break;
                default: b[at] = rng.Next(2) == 0 ? (byte)0xC0 : (byte)rng.Next(64); break;   // pointer/length bytes
            }
        }
        return [.. b];
    }

    public static byte[][] Corpus()
    {
        var service = DnsName.Parse("_minimesos._tcp.local");
        var instance = service.Prepend("agent 1");
        var host = DnsName.Parse("agent-1.local");
        DnsRecord[] records =
        [
            new(service, 4500, new PtrRecordData(instance)),
            new(instance, 120, new SrvRecordData(0, 0, 5051, host), CacheFlush: true),
            new(instance, 4500, TxtRecordData.FromPairs([new("role", "agent"), new("cluster", "c")]), CacheFlush: true),
            new(host, 120, new AddressRecordData(IPAddress.Parse("198.18.0.1")), CacheFlush: true),
            new(host, 120, new AddressRecordData(IPAddress.Parse("fe80::1")), CacheFlush: true),
            new(instance, 4500, new NsecRecordData(instance, [DnsType.Srv, DnsType.Txt]), CacheFlush: true),
            new(host, 10, new UnknownRecordData(13, [1, 2])),
        ];
        return
        [
            DnsMessage.Response(records[..4], records[4..]).Encode(),
            DnsMessage.Query([new DnsQuestion(service, DnsType.Ptr)], [records[0]]).Encode(),
            DnsMessage.Query([new DnsQuestion(instance, DnsType.Any, UnicastResponse: true)], null, records[1..3]).Encode(),
            DnsMessage.Response(records).Encode(),
        ];
    }

    /// <summary>Unicast queries and answers of the app DNS zone <c>c.minimesos.</c> (EDNS, SOA, SRV), for the live server's fuzz run.</summary>
    public static byte[][] UnicastCorpus()
    {
        var zone = DnsName.Parse("c.minimesos");
        var opt = new DnsRecord(DnsName.Root, 0, new UnknownRecordData(DnsType.Opt, []), 4096);
        DnsMessage Ask(string name, ushort type, bool edns) =>
            new(new DnsHeader(0x1234, DnsHeader.RecursionDesiredFlag), [new DnsQuestion(DnsName.Parse(name), type)], [], [], edns ? [opt] : []);
        var soa = new DnsRecord(zone, 5, new SoaRecordData(zone.Prepend("leader"), zone.Prepend("hostmaster"), 7, 60, 10, 600, 5));
        var srv = new DnsRecord(DnsName.Parse("_web._tcp.c.minimesos"), 5, new SrvRecordData(0, 1, 31000, DnsName.Parse("a1.agents.c.minimesos")));
        return
        [
            Ask("web.c.minimesos", DnsType.A, false).Encode(),
            Ask("_web._tcp.c.minimesos", DnsType.Srv, true).Encode(),
            Ask("leader.c.minimesos", DnsType.Any, true).Encode(),
            Ask("example.org", DnsType.A, false).Encode(),
            new DnsMessage(new DnsHeader(1, DnsHeader.ResponseFlag | DnsHeader.AuthoritativeFlag), [], [srv], [soa], [opt]).Encode(),
        ];
    }
}
