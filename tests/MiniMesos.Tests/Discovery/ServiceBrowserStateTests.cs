using System.Net;
using MiniMesos.Core.Discovery;
using MiniMesos.Core.Dns;
using MiniMesos.Net.Discovery;
using Xunit;

namespace MiniMesos.Tests.Discovery;

public sealed class ServiceBrowserStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DnsName Service = MdnsProtocol.ServiceType;

    private static AdvertisedRecords Records(string name = "n1", ushort port = 5051, string cluster = "c1", string address = "198.18.0.1") =>
        new(new ServiceInstance(name, port, new Dictionary<string, string> { ["role"] = "agent", ["cluster"] = cluster }, [IPAddress.Parse(address)]),
            name, name);

    private static DnsMessage Announcement(AdvertisedRecords r) => DnsMessage.Response(r.All);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void QueriesAtStartThenWithDoublingIntervals()
    {
        var b = new ServiceBrowserState(Service);
        var first = Assert.Single(b.Start(T0).Queries);
        Assert.Equal(new DnsQuestion(Service, DnsType.Ptr), Assert.Single(first.Questions));
        var times = new List<double>();
        for (var tenths = 1; tenths < 400; tenths++)
        {
            if (b.Tick(T0 + S(tenths / 10.0)).Queries.Count > 0) times.Add(tenths / 10.0);
        }
        Assert.Equal([1.0, 3.0, 7.0, 15.0, 31.0], times);
    }

    [Fact]
    public void FindsResolvedInstanceFromOneAnnouncement()
    {
        var b = new ServiceBrowserState(Service);
        b.Start(T0);
        var e = Assert.Single(b.Receive(Announcement(Records()), T0 + S(0.1)).Events);
        Assert.Equal(DiscoveryEventKind.Found, e.Kind);
        Assert.Equal("n1", e.Service.InstanceName);
        Assert.Equal(5051, e.Service.Port);
        Assert.Equal([IPAddress.Parse("198.18.0.1")], e.Service.Addresses);
        Assert.Equal("agent", e.Service.Txt["role"]);
        Assert.Equal("n1.local.", e.Service.HostName);
        Assert.Empty(b.Receive(Announcement(Records()), T0 + S(0.2)).Events);   // repeat: no change
    }

    [Fact]
    public void ClusterFilterHidesOtherClusters()
    {
        var b = new ServiceBrowserState(Service, clusterFilter: "c1");
        b.Start(T0);
        Assert.Empty(b.Receive(Announcement(Records("other", cluster: "c2")), T0).Events);
        Assert.Single(b.Receive(Announcement(Records("mine", cluster: "c1")), T0).Events);
        Assert.Equal("mine", Assert.Single(b.Visible).InstanceName);
    }

    [Fact]
    public void GoodbyeRemovesAtOnce()
    {
        var b = new ServiceBrowserState(Service);
        b.Start(T0);
        var r = Records();
        b.Receive(Announcement(r), T0);
        var bye = DnsMessage.Response([.. r.All.Select(x => x with { Ttl = 0 })]);
        var e = Assert.Single(b.Receive(bye, T0 + S(5)).Events);
        Assert.Equal(DiscoveryEventKind.Removed, e.Kind);
        Assert.Empty(b.Visible);
        b.Tick(T0 + S(7));
        Assert.Equal(0, b.Cache.Count);
    }

    [Fact]
    public void SilentInstanceExpiresWhenItsSrvTtlRunsOutAfterRefreshQueries()
    {
        var b = new ServiceBrowserState(Service);
        b.Start(T0);
        var r = Records();
        b.Receive(Announcement(r), T0);
        var refreshes = 0;
        for (var t = 90.0; t < 119.5; t += 0.5)
        {
            var step = b.Tick(T0 + S(t));
            Assert.Empty(step.Events);
            refreshes += step.Queries.Sum(q => q.Questions.Count(x => x.Name == r.InstanceName && x.Type == DnsType.Srv));
        }
        Assert.Equal(4, refreshes);   // 80, 85, 90, 95 % of 120 s
        var removed = Assert.Single(b.Tick(T0 + S(120)).Events);
        Assert.Equal(DiscoveryEventKind.Removed, removed.Kind);
    }

    [Fact]
    public void NewPortIsAnUpdate_AndCacheFlushReplacesOldAddress()
    {
        var b = new ServiceBrowserState(Service);
        b.Start(T0);
        b.Receive(Announcement(Records()), T0);
        var moved = b.Receive(Announcement(Records(address: "198.18.0.5")), T0 + S(10)).Events;
        // Both addresses until the flushed one is dropped a second later.
        Assert.Equal(DiscoveryEventKind.Updated, Assert.Single(moved).Kind);
        var flushed = Assert.Single(b.Tick(T0 + S(11)).Events);
        Assert.Equal([IPAddress.Parse("198.18.0.5")], flushed.Service.Addresses);
        var port = Assert.Single(b.Receive(Announcement(Records(port: 6000, address: "198.18.0.5")), T0 + S(12)).Events);
        Assert.Equal((DiscoveryEventKind.Updated, (ushort)6000), (port.Kind, port.Service.Port));
    }

    [Fact]
    public void SendsKnownAnswersAndResolvesMissingRecords()
    {
        var b = new ServiceBrowserState(Service);
        b.Start(T0);
        var r = Records();
        // Only the PTR arrives: the browser asks for SRV and TXT of the instance.
        b.Receive(DnsMessage.Response([r.Ptr]), T0 + S(0.5));
        var q = Assert.Single(b.Tick(T0 + S(1)).Queries);
        Assert.Contains(q.Questions, x => x.Name == r.InstanceName && x.Type == DnsType.Srv);
        Assert.Contains(q.Questions, x => x.Name == r.InstanceName && x.Type == DnsType.Txt);
        var known = Assert.Single(q.Answers);
        Assert.True(known.SameRecord(r.Ptr));
        Assert.Equal(4499u, known.Ttl);
        b.Receive(DnsMessage.Response([r.Srv, r.Txt]), T0 + S(1.1));
        var a = Assert.Single(b.Tick(T0 + S(2.2)).Queries);
        Assert.Contains(a.Questions, x => x.Name == r.HostName && x.Type == DnsType.A);
        Assert.Equal(DiscoveryEventKind.Found, Assert.Single(b.Receive(DnsMessage.Response([r.Addresses[0]]), T0 + S(2.3)).Events).Kind);
    }

    [Fact]
    public void KnownAnswersAreTrimmedToFitOnePacket()
    {
        var b = new ServiceBrowserState(Service);
        b.Start(T0);
        for (var i = 0; i < 400; i++)
        {
            b.Receive(Announcement(Records($"instance-with-a-fairly-long-name-{i}", address: $"198.18.1.{i % 250}")), T0);
        }
        Assert.Equal(400, b.Visible.Count);
        var query = Assert.Single(b.Tick(T0 + S(1)).Queries);
        Assert.InRange(query.Encode().Length, 1, MdnsProtocol.MaxPacketBytes);
        Assert.InRange(query.Answers.Count, 50, 399);
    }

    [Fact]
    public void ForNodeCarriesRoleClusterNodeVersionAndPorts()
    {
        var s = ServiceInstance.ForNode("m1", "master", "prod", "abc", "0.1.0", 5051, 5050);
        Assert.Equal(5051, s.Port);
        var pairs = TxtRecordData.FromPairs(s.Txt).ToPairs();
        Assert.Equal(("master", "prod", "abc", "0.1.0", "5050"), (pairs["role"], pairs["cluster"], pairs["node"], pairs["ver"], pairs["api"]));
    }

    [Fact]
    public void IgnoresRecordsInsideQueries()
    {
        var b = new ServiceBrowserState(Service);
        b.Start(T0);
        var r = Records();
        Assert.Empty(b.Receive(DnsMessage.Query([new DnsQuestion(Service, DnsType.Ptr)], r.All), T0).Events);
        Assert.Equal(0, b.Cache.Count);
    }
}
