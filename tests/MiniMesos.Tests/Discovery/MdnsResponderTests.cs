using System.Net;
using MiniMesos.Core.Discovery;
using MiniMesos.Core.Dns;
using MiniMesos.Net.Discovery;
using Xunit;

namespace MiniMesos.Tests.Discovery;

public sealed class MdnsResponderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly IPEndPoint Peer = new(IPAddress.Parse("198.18.0.9"), 5353);
    private static readonly DnsName Service = MdnsProtocol.ServiceType;

    private static ServiceInstance Instance(ushort port = 5051, string address = "198.18.0.1") =>
        new("node", port, new Dictionary<string, string> { ["role"] = "agent", ["cluster"] = "c1" }, [IPAddress.Parse(address)]);

    private static MdnsResponder Announced(out DateTimeOffset now)
    {
        var r = new MdnsResponder(Instance(), new ZeroRandom());
        r.Start(T0);
        r.Tick(T0 + TimeSpan.FromMilliseconds(750));
        r.Tick(T0 + TimeSpan.FromMilliseconds(1750));
        // A second after the last announcement, so the one-second multicast limit does not hide answers.
        now = T0 + TimeSpan.FromMilliseconds(2750);
        Assert.Equal(MdnsResponderPhase.Announced, r.Phase);
        return r;
    }

    /// <summary>A query and whatever goes out once the 20-120 ms shared-answer delay has passed.</summary>
    private static List<MdnsSend> Ask(MdnsResponder r, DnsMessage query, DateTimeOffset now) =>
        [.. r.Receive(query, Peer, now), .. r.Tick(now + TimeSpan.FromMilliseconds(120))];

    private static DnsMessage PtrQuery(params DnsRecord[] known) => DnsMessage.Query([new DnsQuestion(Service, DnsType.Ptr)], known);

    [Fact]
    public void ProbesThreeTimes250msApartThenAnnouncesTwice()
    {
        var r = new MdnsResponder(Instance(), new ZeroRandom());
        var probe = Assert.Single(r.Start(T0)).Message;
        Assert.False(probe.Header.IsResponse);
        Assert.All(probe.Questions, q => Assert.True(!q.UnicastResponse && q.Type == DnsType.Any));   // defences come multicast
        Assert.Equal(["node._minimesos._tcp.local.", "node.local."], probe.Questions.Select(q => q.Name.ToString()));
        Assert.Contains(probe.Authorities, a => a.Data is SrvRecordData { Port: 5051 });
        Assert.Empty(r.Tick(T0 + TimeSpan.FromMilliseconds(249)));
        Assert.Single(r.Tick(T0 + TimeSpan.FromMilliseconds(250)));
        Assert.Single(r.Tick(T0 + TimeSpan.FromMilliseconds(500)));
        Assert.Equal(MdnsResponderPhase.Probing, r.Phase);
        var announce = Assert.Single(r.Tick(T0 + TimeSpan.FromMilliseconds(750))).Message;
        Assert.True(announce.Header.IsResponse);
        Assert.Equal(MdnsResponderPhase.Announcing, r.Phase);
        var ptr = Assert.Single(announce.Answers, a => a.Name == Service);
        Assert.Equal(4500u, ptr.Ttl);
        Assert.False(ptr.CacheFlush);
        var srv = Assert.Single(announce.Answers, a => a.Type == DnsType.Srv);
        Assert.Equal(120u, srv.Ttl);
        Assert.True(srv.CacheFlush);
        Assert.Equal(120u, Assert.Single(announce.Answers, a => a.Type == DnsType.A).Ttl);
        Assert.Equal(4500u, Assert.Single(announce.Answers, a => a.Type == DnsType.Txt).Ttl);
        Assert.Empty(r.Tick(T0 + TimeSpan.FromMilliseconds(1749)));
        Assert.Single(r.Tick(T0 + TimeSpan.FromMilliseconds(1750)));
        Assert.Equal(MdnsResponderPhase.Announced, r.Phase);
        Assert.Null(r.NextWake);
    }

    [Fact]
    public void ARandomNameAnnouncesAtOnceWithoutProbing()
    {
        // The initial random delay of RFC 6762 §8.1 (0-250 ms) stays; no probe goes out, the first packet is the announcement.
        var r = new MdnsResponder(Instance() with { RandomName = true }, new Random(7));
        var announce = Assert.Single([.. r.Start(T0), .. r.Tick(T0 + TimeSpan.FromMilliseconds(250))]).Message;
        Assert.True(announce.Header.IsResponse);
        Assert.Contains(announce.Answers, a => a.Type == DnsType.Srv);
        Assert.Equal(MdnsResponderPhase.Announcing, r.Phase);
        Assert.Single(r.Tick(T0 + TimeSpan.FromSeconds(1.25)));
        Assert.Equal(MdnsResponderPhase.Announced, r.Phase);
        Assert.NotEmpty(Ask(r, PtrQuery(), T0 + TimeSpan.FromSeconds(2.5)));
    }

    [Fact]
    public void ARandomNameThatMeetsAConflictStillProbesAndTheLoserRenames()
    {
        // Two nodes with the same id (a copied data dir): the announcement of the other one is a conflict (RFC 6762 §9).
        var r = new MdnsResponder(Instance() with { RandomName = true }, new ZeroRandom());
        r.Start(T0);
        var theirs = new DnsRecord(DnsName.Parse("node.local"), 120, new AddressRecordData(IPAddress.Parse("198.18.0.7")), CacheFlush: true);
        var probe = Assert.Single(r.Receive(DnsMessage.Response([theirs]), Peer, T0 + TimeSpan.FromMilliseconds(10))).Message;
        Assert.False(probe.Header.IsResponse);
        Assert.Equal(MdnsResponderPhase.Probing, r.Phase);
        r.Receive(DnsMessage.Response([theirs]), Peer, T0 + TimeSpan.FromMilliseconds(100));   // they defend
        Assert.Equal("node (2)", r.Records.InstanceLabel);
        // The renamed name is probed in full: three probes, then the announcement.
        Assert.Equal(MdnsResponderPhase.Probing, r.Phase);
        Assert.Single(r.Tick(T0 + TimeSpan.FromMilliseconds(350)));
        Assert.Single(r.Tick(T0 + TimeSpan.FromMilliseconds(600)));
        Assert.Equal(MdnsResponderPhase.Probing, r.Phase);
        Assert.True(Assert.Single(r.Tick(T0 + TimeSpan.FromMilliseconds(850))).Message.Header.IsResponse);
        Assert.Equal(MdnsResponderPhase.Announcing, r.Phase);
    }

    [Theory]
    [InlineData("7290260438123683", true)]      // a master's 53-bit random id
    [InlineData("4294967296", true)]
    [InlineData("4294967295", false)]           // too few bits to count as random
    [InlineData("1", false)]
    [InlineData("vm-272e29fd", true)]           // an agent's: host name and 32 random bits
    [InlineData("pi4", false)]                  // written by hand: may collide, probed in full
    [InlineData("pi4-272E29FD", false)]
    [InlineData("pi4-272e29f", false)]
    public void RandomNodeIds(string id, bool random) => Assert.Equal(random, MdnsNaming.IsRandomNodeId(id));

    [Fact]
    public void ConflictWhileProbingRenamesAndProbesAgain()
    {
        var r = new MdnsResponder(Instance(), new ZeroRandom());
        r.Start(T0);
        var theirs = new DnsRecord(Service.Prepend("node"), 120, new SrvRecordData(0, 0, 9999, DnsName.Parse("other.local")), CacheFlush: true);
        var sends = r.Receive(DnsMessage.Response([theirs]), Peer, T0 + TimeSpan.FromMilliseconds(100));
        Assert.Equal("node (2)", r.Records.InstanceLabel);
        Assert.Equal("node-2", r.Records.HostLabel);
        Assert.Equal(1, r.Conflicts);
        var probe = Assert.Single(sends).Message;
        Assert.Equal(Service.Prepend("node (2)"), probe.Questions[0].Name);
        Assert.Equal(MdnsResponderPhase.Probing, r.Phase);
    }

    [Fact]
    public void OwnEchoIsNotAConflict()
    {
        var r = Announced(out var now);
        var echo = DnsMessage.Response(r.Records.All);
        Assert.Empty(r.Receive(echo, Peer, now));
        Assert.Equal(0, r.Conflicts);
    }

    [Fact]
    public void ConflictAfterAnnouncingProbesAgainAndRenamesOnlyIfDefended()
    {
        var r = Announced(out var now);
        var theirs = new DnsRecord(DnsName.Parse("node.local"), 120, new AddressRecordData(IPAddress.Parse("198.18.0.7")), CacheFlush: true);
        var probe = Assert.Single(r.Receive(DnsMessage.Response([theirs]), Peer, now)).Message;
        Assert.False(probe.Header.IsResponse);                    // no goodbye, a probe for the same name
        Assert.Equal(r.Records.InstanceName, probe.Questions[0].Name);
        Assert.Equal(MdnsResponderPhase.Probing, r.Phase);
        Assert.Equal("node", r.Records.InstanceLabel);
        // The other owner defends while we probe: now we rename.
        r.Receive(DnsMessage.Response([theirs]), Peer, now + TimeSpan.FromMilliseconds(100));
        Assert.Equal("node (2)", r.Records.InstanceLabel);
        Assert.Equal(1, r.Conflicts);
    }

    [Fact]
    public void KeepsItsNameWhenTheConflictDoesNotRecurWhileProbing()
    {
        var r = Announced(out var now);
        var theirs = new DnsRecord(DnsName.Parse("node.local"), 120, new AddressRecordData(IPAddress.Parse("198.18.0.7")), CacheFlush: true);
        r.Receive(DnsMessage.Response([theirs]), Peer, now);
        r.Tick(now + TimeSpan.FromSeconds(1));
        r.Tick(now + TimeSpan.FromSeconds(2));
        Assert.Equal(MdnsResponderPhase.Announced, r.Phase);
        Assert.Equal("node", r.Records.InstanceLabel);
        Assert.Equal(0, r.Conflicts);
    }

    [Theory]
    [InlineData(6000, true)]    // their SRV port is larger: their rdata is later, we lose and defer
    [InlineData(5000, false)]   // ours is later: we keep probing
    [InlineData(5051, false)]   // identical (our own probe echoed): no conflict
    public void SimultaneousProbeTieBreak(int theirPort, bool weDefer)
    {
        var r = new MdnsResponder(Instance(), new ZeroRandom());
        r.Start(T0);
        var ours = r.Records;
        var theirs = DnsMessage.Query([new DnsQuestion(ours.InstanceName, DnsType.Any, UnicastResponse: true)],
            authorities: [ours.Srv with { Data = new SrvRecordData(0, 0, (ushort)theirPort, ours.HostName) }, ours.Txt]);
        r.Receive(theirs, Peer, T0 + TimeSpan.FromMilliseconds(10));
        var next = r.Tick(T0 + TimeSpan.FromMilliseconds(250));
        Assert.Equal(weDefer ? 0 : 1, next.Count);
        if (weDefer) Assert.Single(r.Tick(T0 + TimeSpan.FromMilliseconds(1010)));
        Assert.Equal("node", r.Records.InstanceLabel);
    }

    [Fact]
    public void AnswersPtrWithAdditionalsAndSuppressesKnownAnswers()
    {
        var r = Announced(out var now);
        var reply = Assert.Single(Ask(r, PtrQuery(), now)).Message;
        Assert.True(reply.Header.IsResponse);
        Assert.Equal(r.Records.Ptr, Assert.Single(reply.Answers));
        Assert.Contains(r.Records.Srv, reply.Additionals);
        Assert.Contains(r.Records.Txt, reply.Additionals);
        Assert.Contains(r.Records.Addresses[0], reply.Additionals);

        now += TimeSpan.FromSeconds(2);
        Assert.Empty(Ask(r, PtrQuery(r.Records.Ptr with { Ttl = 3000 }), now));            // > half: suppressed
        Assert.Single(Ask(r, PtrQuery(r.Records.Ptr with { Ttl = 2000 }), now));           // < half: answered
    }

    [Fact]
    public void MulticastsARecordAtMostOncePerSecond()
    {
        var r = Announced(out var now);
        Assert.Single(Ask(r, PtrQuery(), now));                                             // flushed at +120 ms
        Assert.Empty(Ask(r, PtrQuery(), now + TimeSpan.FromMilliseconds(900)));
        Assert.Single(Ask(r, PtrQuery(), now + TimeSpan.FromMilliseconds(1200)));
    }

    [Fact]
    public void SharedAnswersWaitAndGatherConcurrentQueries()
    {
        var r = Announced(out var now);
        Assert.Empty(r.Receive(PtrQuery(), Peer, now));
        Assert.Equal(now + TimeSpan.FromMilliseconds(20), r.NextWake);
        var meta = DnsMessage.Query([new DnsQuestion(MdnsProtocol.ServicesMeta, DnsType.Ptr)]);
        Assert.Empty(r.Receive(meta, Peer, now + TimeSpan.FromMilliseconds(10)));
        var reply = Assert.Single(r.Tick(now + TimeSpan.FromMilliseconds(20))).Message;
        Assert.Equal(2, reply.Answers.Count);
        Assert.Contains(r.Records.ServicesMeta, reply.Answers);
        Assert.Null(r.NextWake);
    }

    [Fact]
    public void DuplicateAnswerFromAnotherResponderSuppressesOurs()
    {
        var r = Announced(out var now);
        Assert.Empty(r.Receive(PtrQuery(), Peer, now));
        Assert.Empty(r.Receive(DnsMessage.Response([r.Records.Ptr]), Peer, now + TimeSpan.FromMilliseconds(5)));
        Assert.Empty(r.Tick(now + TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void UnicastForQuestionsWithQuBitAndForLegacyQueriers()
    {
        var r = Announced(out var now);
        var qu = DnsMessage.Query([new DnsQuestion(Service, DnsType.Ptr, UnicastResponse: true)]);
        // Just announced (within a quarter TTL): the unicast reply is enough.
        var reply = Assert.Single(r.Receive(qu, Peer, now));
        Assert.Equal(Peer, reply.Destination);

        var legacySource = new IPEndPoint(IPAddress.Parse("198.18.0.9"), 40000);
        var legacyQuery = new DnsMessage(new DnsHeader(0x1234, 0), [new DnsQuestion(r.Records.InstanceName, DnsType.Srv)], [], [], []);
        var legacy = Assert.Single(r.Receive(legacyQuery, legacySource, now));
        Assert.Equal(legacySource, legacy.Destination);
        Assert.Equal(0x1234, legacy.Message.Header.Id);
        Assert.Equal(legacyQuery.Questions, legacy.Message.Questions);
        Assert.All(legacy.Message.AllRecords, a => Assert.True(a.Ttl <= 10 && !a.CacheFlush));
    }

    [Fact]
    public void AnswersNsecForMissingTypeOfOwnedName()
    {
        var r = Announced(out var now);
        var reply = Assert.Single(r.Receive(DnsMessage.Query([new DnsQuestion(r.Records.HostName, DnsType.Aaaa)]), Peer, now)).Message;
        var nsec = Assert.IsType<NsecRecordData>(Assert.Single(reply.Answers).Data);
        Assert.Equal([DnsType.A], nsec.Types);
    }

    [Fact]
    public void StaysSilentWhileProbingAndForOtherNames()
    {
        var r = new MdnsResponder(Instance(), new ZeroRandom());
        r.Start(T0);
        Assert.Empty(r.Receive(PtrQuery(), Peer, T0));
        var a = Announced(out var now);
        Assert.Empty(a.Receive(DnsMessage.Query([new DnsQuestion(DnsName.Parse("_http._tcp.local"), DnsType.Ptr)]), Peer, now));
    }

    [Fact]
    public void GoodbyeCarriesEveryRecordWithTtlZero()
    {
        var r = Announced(out _);
        var bye = Assert.Single(r.Stop()).Message;
        Assert.True(bye.Header.IsResponse);
        Assert.Contains(bye.Answers, a => a.Name == Service && a.Type == DnsType.Ptr);
        Assert.All(bye.Answers, a => Assert.Equal(0u, a.Ttl));
        Assert.Contains(bye.Answers, a => a.Type == DnsType.Srv);
        Assert.Contains(bye.Answers, a => a.Type == DnsType.A);
        Assert.DoesNotContain(bye.Answers, a => a.Name == MdnsProtocol.ServicesMeta);
        Assert.Equal(MdnsResponderPhase.Stopped, r.Phase);
        Assert.Empty(r.Stop());
    }

    [Fact]
    public void AddressChangeReannouncesAndTheCacheFlushReplacesTheOldAddress()
    {
        var r = Announced(out var now);
        var oldA = r.Records.Addresses[0];
        // No goodbye for the old address: a goodbye before the announcement would leave browsers with no address.
        var announce = Assert.Single(r.Update(Instance(address: "198.18.0.5"), now)).Message;
        var newA = Assert.Single(announce.Answers, a => a.Type == DnsType.A);
        Assert.Equal(IPAddress.Parse("198.18.0.5"), ((AddressRecordData)newA.Data).Address);
        Assert.True(newA.CacheFlush);
        Assert.Single(r.Tick(now + TimeSpan.FromSeconds(1)));
        Assert.Equal(MdnsResponderPhase.Announced, r.Phase);
        // Our own old announcement arriving late is not a conflict.
        Assert.Empty(r.Receive(DnsMessage.Response([oldA]), Peer, now + TimeSpan.FromSeconds(1)));
        Assert.Equal(0, r.Conflicts);
    }

    [Fact]
    public void RemovedAddressOfTwoIsReplacedButAVanishedRecordSetGetsAGoodbye()
    {
        var two = Instance() with { Addresses = [IPAddress.Parse("198.18.0.1"), IPAddress.Parse("fd00::1")] };
        var r = new MdnsResponder(two, new ZeroRandom());
        r.Start(T0);
        r.Tick(T0 + TimeSpan.FromSeconds(3));
        r.Tick(T0 + TimeSpan.FromSeconds(5));
        var sends = r.Update(Instance(), T0 + TimeSpan.FromSeconds(10));
        // The AAAA set is now empty: it needs a goodbye; the A set is unchanged.
        var bye = Assert.Single(sends[0].Message.Answers);
        Assert.Equal((DnsType.Aaaa, 0u), (bye.Type, bye.Ttl));
        Assert.True(sends[1].Message.Header.IsResponse);
    }

    [Theory]
    [InlineData("node", "node (2)")]
    [InlineData("node (2)", "node (3)")]
    [InlineData("node (x)", "node (x) (2)")]
    public void InstanceRenames(string from, string to) => Assert.Equal(to, MdnsNaming.NextInstanceName(from));

    [Fact]
    public void RenamesStayLegalLabelsForLongNames()
    {
        var name = new string('x', 63);
        for (var i = 0; i < 20; i++)
        {
            name = MdnsNaming.NextInstanceName(name);
            Assert.True(System.Text.Encoding.UTF8.GetByteCount(name) <= 63);
        }
        Assert.EndsWith(" (21)", name);
        Assert.Equal(new string('h', 61) + "-2", MdnsNaming.NextHostLabel(new string('h', 63)));
    }

    [Theory]
    [InlineData("Agent on Pi #4", "agent-on-pi-4")]
    [InlineData("***", "minimesos")]
    public void HostLabels(string instance, string label) => Assert.Equal(label, MdnsNaming.HostLabelFor(instance));
}
