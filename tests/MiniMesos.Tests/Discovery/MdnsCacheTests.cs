using System.Net;
using MiniMesos.Core.Discovery;
using MiniMesos.Core.Dns;
using MiniMesos.Net.Discovery;
using Xunit;

namespace MiniMesos.Tests.Discovery;

public sealed class MdnsCacheTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DnsName Host = DnsName.Parse("h.local");

    private static DnsRecord A(string address, uint ttl = 120) => new(Host, ttl, new AddressRecordData(IPAddress.Parse(address)), CacheFlush: true);

    [Fact]
    public void CacheFlushSparesRecordsOfTheSameSecond()
    {
        // One announcement may carry several addresses, each with the cache-flush bit (RFC 6762 §10.2).
        var c = new MdnsCache();
        c.Add(A("198.18.0.1"), T0);
        c.Add(A("198.18.0.2"), T0 + TimeSpan.FromMilliseconds(300));
        Assert.Equal(2, c.Get(Host, DnsType.A, T0 + TimeSpan.FromSeconds(5)).Count);
    }

    [Fact]
    public void CacheFlushRetiresOlderRecordsOneSecondLater()
    {
        var c = new MdnsCache();
        c.Add(A("198.18.0.1"), T0);
        c.Add(A("198.18.0.9"), T0 + TimeSpan.FromSeconds(10));
        Assert.Equal(2, c.Get(Host, DnsType.A, T0 + TimeSpan.FromSeconds(10.5)).Count);
        var removed = c.Expire(T0 + TimeSpan.FromSeconds(11));
        Assert.Equal(IPAddress.Parse("198.18.0.1"), ((AddressRecordData)Assert.Single(removed).Data).Address);
    }

    [Fact]
    public void TtlExpiryAndGoodbye()
    {
        var c = new MdnsCache();
        c.Add(A("198.18.0.1", ttl: 10), T0);
        Assert.Empty(c.Expire(T0 + TimeSpan.FromSeconds(9.9)));
        Assert.Single(c.Expire(T0 + TimeSpan.FromSeconds(10)));
        c.Add(A("198.18.0.1"), T0);
        c.Add(A("198.18.0.1", ttl: 0), T0 + TimeSpan.FromSeconds(3));
        Assert.Equal(T0 + TimeSpan.FromSeconds(4), c.NextExpiry);
        Assert.Single(c.Expire(T0 + TimeSpan.FromSeconds(4)));
        Assert.Equal(0, c.Count);
        c.Add(A("198.18.0.1", ttl: 0), T0);   // a goodbye for something never cached is not stored
        Assert.Equal(0, c.Count);
    }

    [Fact]
    public void KnownAnswersOnlyWithMoreThanHalfTheirTtlLeft()
    {
        var c = new MdnsCache();
        c.Add(A("198.18.0.1", ttl: 100), T0);
        Assert.Equal(60u, Assert.Single(c.KnownAnswers(Host, DnsType.A, T0 + TimeSpan.FromSeconds(40))).Ttl);
        Assert.Empty(c.KnownAnswers(Host, DnsType.A, T0 + TimeSpan.FromSeconds(50)));
    }
}
