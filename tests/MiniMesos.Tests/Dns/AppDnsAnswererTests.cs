using System.Net;
using MiniMesos.Core.Dns;
using Xunit;

namespace MiniMesos.Tests.Dns;

/// <summary>The app DNS answering logic: query bytes and a zone in, response bytes out (no sockets).</summary>
public sealed class AppDnsAnswererTests
{
    private static readonly DnsRecord Edns4096 = new(DnsName.Root, 0, new UnknownRecordData(DnsType.Opt, []), 4096);

    [Fact]
    public void AnswersAnAppsAddressesAuthoritativelyWithoutRecursion()
    {
        var zone = Zone(Instance("/web", "web.1", "pi1", "198.18.0.11", 31000), Instance("/web", "web.2", "pi2", "198.18.0.12", 31005),
            Instance("/web", "web.3", "pi2", "198.18.0.12", 31006), Instance("/db", "db.1", "pi3", "198.18.0.13", 31001));
        var reply = Ask(zone, "web.c.minimesos", DnsType.A, id: 4242);
        Assert.Equal(4242, reply.Header.Id);
        Assert.True(reply.Header.IsResponse);
        Assert.Equal(DnsHeader.AuthoritativeFlag, reply.Header.Flags & DnsHeader.AuthoritativeFlag);
        Assert.Equal(0, reply.Header.Flags & 0x0080);   // RA clear: no recursion here
        Assert.True(reply.Header.RecursionDesired);     // RD echoed
        Assert.Equal(DnsHeader.NoError, reply.Header.ResponseCode);
        Assert.Single(reply.Questions);
        Assert.Equal(["198.18.0.11", "198.18.0.12"], Addresses(reply));
        Assert.All(reply.Answers, a => Assert.Equal(5u, a.Ttl));
    }

    [Fact]
    public void SrvRecordsCarryHostPortsAndTargetsThatResolve()
    {
        var zone = Zone(Instance("/web", "web.1", "pi1-abc", "198.18.0.11", 31000, 31001), Instance("/web", "web.2", "pi2-def", "198.18.0.12", 31005));
        var reply = Ask(zone, "_web._tcp.c.minimesos", DnsType.Srv);
        var srv = reply.Answers.Select(a => (SrvRecordData)a.Data).OrderBy(s => s.Port).ToList();
        Assert.Equal([31000, 31001, 31005], srv.Select(s => (int)s.Port));
        Assert.Equal("pi1-abc.agents.c.minimesos.", srv[0].Target.ToString());
        // The targets' addresses come along, and the target names answer on their own too.
        Assert.Contains(reply.Additionals, r => r.Name == srv[0].Target && r.Data is AddressRecordData a && a.Address.ToString() == "198.18.0.11");
        Assert.Equal(["198.18.0.12"], Addresses(Ask(zone, "pi2-def.agents.c.minimesos", DnsType.A)));
    }

    [Fact]
    public void GroupedAppIdsReverseTheirPathLikeMesosDns()
    {
        var zone = Zone(Instance("/prod/web", "prod_web.1", "pi1", "198.18.0.11", 31000));
        Assert.Equal(["198.18.0.11"], Addresses(Ask(zone, "web.prod.c.minimesos", DnsType.A)));
        Assert.Single(Ask(zone, "_web.prod._tcp.c.minimesos", DnsType.Srv).Answers);
        // "prod.<zone>" exists as the parent of a name: no-data, not NXDOMAIN (RFC 8020).
        var parent = Ask(zone, "prod.c.minimesos", DnsType.A);
        Assert.Equal(DnsHeader.NoError, parent.Header.ResponseCode);
        Assert.Empty(parent.Answers);
    }

    [Fact]
    public void LeaderAndMastersAndTheQuestionsSpelling()
    {
        var zone = Zone();
        var leader = Ask(zone, "LeAdEr.C.MiniMesos", DnsType.A);
        Assert.Equal(["198.18.0.1"], Addresses(leader));
        Assert.Equal("LeAdEr.C.MiniMesos.", leader.Answers[0].Name.ToString());
        Assert.Equal(["198.18.0.1", "198.18.0.2"], Addresses(Ask(zone, "masters.c.minimesos", DnsType.A)));
        Assert.Equal(2, Ask(zone, "masters.c.minimesos", DnsType.Any).Answers.Count);
    }

    [Fact]
    public void UnknownNamesAreNxDomainWithTheSoaAndOtherZonesRefused()
    {
        var zone = Zone(Instance("/web", "web.1", "pi1", "198.18.0.11", 31000));
        var missing = Ask(zone, "nope.c.minimesos", DnsType.A);
        Assert.Equal(DnsHeader.NxDomain, missing.Header.ResponseCode);
        Assert.Empty(missing.Answers);
        var soa = Assert.IsType<SoaRecordData>(Assert.Single(missing.Authorities).Data);
        Assert.Equal(5u, soa.Minimum);
        var noAaaa = Ask(zone, "web.c.minimesos", DnsType.Aaaa);
        Assert.Equal(DnsHeader.NoError, noAaaa.Header.ResponseCode);
        Assert.Empty(noAaaa.Answers);
        Assert.Single(noAaaa.Authorities);
        foreach (var other in new[] { "example.org", "minimesos", "web.other.minimesos" })
        {
            var refused = Ask(zone, other, DnsType.A);
            Assert.Equal(DnsHeader.Refused, refused.Header.ResponseCode);
            Assert.Empty(refused.Answers);
            Assert.Equal(0, refused.Header.Flags & DnsHeader.AuthoritativeFlag);
        }
        Assert.Equal(DnsHeader.Refused, Ask(zone, "c.minimesos", DnsType.Axfr, tcp: true).Header.ResponseCode);
        Assert.IsType<SoaRecordData>(Assert.Single(Ask(zone, "c.minimesos", DnsType.Soa).Answers).Data);
    }

    [Fact]
    public void AppsScaledToNothingAndAaaaRecords()
    {
        Assert.Equal(DnsHeader.NxDomain, Ask(Zone(), "web.c.minimesos", DnsType.A).Header.ResponseCode);
        var v6 = Zone(Instance("/web", "web.1", "pi1", "fd00::11", 31000));
        var aaaa = Assert.Single(Ask(v6, "web.c.minimesos", DnsType.Aaaa).Answers);
        Assert.Equal("fd00::11", ((AddressRecordData)aaaa.Data).Address.ToString());
    }

    [Fact]
    public void BadQueriesGetErrorsAndResponsesNoReply()
    {
        var zone = Zone();
        var query = Query("web.c.minimesos", DnsType.A, 7);
        // A readable header with a broken body: FORMERR with the id.
        var broken = query[..14];
        var formErr = DnsMessageReader.Read(AppDnsAnswerer.Answer(broken, zone, tcp: false)!);
        Assert.Equal(DnsHeader.FormErr, formErr.Header.ResponseCode);
        Assert.Equal(7, formErr.Header.Id);
        Assert.Null(AppDnsAnswerer.Answer(query[..5], zone, tcp: false));
        var response = (byte[])query.Clone();
        response[2] |= 0x80;
        Assert.Null(AppDnsAnswerer.Answer(response, zone, tcp: false));
        var notify = (byte[])query.Clone();
        notify[2] |= 4 << 3;   // opcode 4 (NOTIFY)
        Assert.Equal(DnsHeader.NotImp, DnsMessageReader.Read(AppDnsAnswerer.Answer(notify, zone, tcp: false)!).Header.ResponseCode);
        var two = new DnsMessage(new DnsHeader(1, 0), [new DnsQuestion(DnsName.Parse("web.c.minimesos"), DnsType.A), new DnsQuestion(DnsName.Parse("leader.c.minimesos"), DnsType.A)],
            [], [], []).Encode();
        Assert.Equal(DnsHeader.FormErr, DnsMessageReader.Read(AppDnsAnswerer.Answer(two, zone, tcp: false)!).Header.ResponseCode);
        var badVersion = Edns4096 with { Ttl = 1 << 16 };
        var badVers = Ask(zone, "web.c.minimesos", DnsType.A, opt: badVersion);
        var opt = Assert.Single(badVers.Additionals);
        Assert.Equal(1u, opt.Ttl >> 24);   // extended rcode 16 = BADVERS
    }

    [Fact]
    public void LargeAnswersAreTruncatedOverUdpAndWholeOverTcp()
    {
        var many = Enumerable.Range(1, 120).Select(i => Instance("/web", $"web.{i}", $"agent{i}", $"198.18.1.{i}", 31000 + i)).ToArray();
        var zone = Zone(many);
        var query = Query("_web._tcp.c.minimesos", DnsType.Srv, 9);
        var udp = AppDnsAnswerer.Answer(query, zone, tcp: false)!;
        Assert.True(udp.Length <= 512, $"{udp.Length} bytes over UDP without EDNS");
        var small = DnsMessageReader.Read(udp);
        Assert.True(small.Header.IsTruncated);
        Assert.InRange(small.Answers.Count, 1, 119);
        var withEdns = new DnsMessage(new DnsHeader(9, 0), [new DnsQuestion(DnsName.Parse("_web._tcp.c.minimesos"), DnsType.Srv)], [], [], [Edns4096]).Encode();
        var edns = AppDnsAnswerer.Answer(withEdns, zone, tcp: false)!;
        Assert.InRange(edns.Length, 513, AppDnsAnswerer.MaxUdpPayload);
        var larger = DnsMessageReader.Read(edns);
        Assert.True(larger.Header.IsTruncated);
        Assert.True(larger.Answers.Count > small.Answers.Count);
        Assert.Contains(larger.Additionals, r => r.Type == DnsType.Opt);
        var tcp = DnsMessageReader.Read(AppDnsAnswerer.Answer(query, zone, tcp: true)!);
        Assert.False(tcp.Header.IsTruncated);
        Assert.Equal(120, tcp.Answers.Count);
        // Answers that fit once their additional records are dropped need no TC (RFC 2181 §9).
        var few = DnsMessageReader.Read(AppDnsAnswerer.Answer(query, Zone(many[..14]), tcp: false)!);
        Assert.False(few.Header.IsTruncated);
        Assert.Equal(14, few.Answers.Count);
        Assert.Empty(few.Additionals);
    }

    internal static AppDnsZone Zone(params AppDnsEndpoint[] endpoints) =>
        new(new AppDnsView("c", [IPAddress.Parse("198.18.0.1")], [IPAddress.Parse("198.18.0.1"), IPAddress.Parse("198.18.0.2")], endpoints, 7));

    internal static AppDnsEndpoint Instance(string app, string task, string agent, string ip, params int[] ports) =>
        new(app, task, agent, [IPAddress.Parse(ip)], ports);

    private static byte[] Query(string name, ushort type, ushort id, DnsRecord? opt = null) =>
        new DnsMessage(new DnsHeader(id, DnsHeader.RecursionDesiredFlag), [new DnsQuestion(DnsName.Parse(name), type)], [], [], opt is null ? [] : [opt]).Encode();

    private static DnsMessage Ask(AppDnsZone zone, string name, ushort type, ushort id = 1, bool tcp = false, DnsRecord? opt = null) =>
        DnsMessageReader.Read(AppDnsAnswerer.Answer(Query(name, type, id, opt), zone, tcp)!);

    private static List<string> Addresses(DnsMessage reply) =>
        [.. reply.Answers.Select(a => a.Data switch { AddressRecordData x => x.Address.ToString(), _ => "?" }).Order()];
}
