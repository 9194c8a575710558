using System.Net;
using MiniMesos.Core.Dns;

namespace MiniMesos.Core.Discovery;

/// <summary>Constants of RFC 6762/6763 and the service type MiniMesos advertises.</summary>
internal static class MdnsProtocol
{
    public const int Port = 5353;
    public const int MaxPacketBytes = 9000;

    /// <summary>RFC 6762 §10: 120 s for records that name a host (SRV, A/AAAA), 75 min for the rest.</summary>
    public const uint HostRecordTtl = 120;
    public const uint OtherRecordTtl = 4500;

    public static readonly IPAddress GroupV4 = IPAddress.Parse("224.0.0.251");
    public static readonly IPEndPoint GroupEndpointV4 = new(GroupV4, Port);

    public static readonly DnsName Local = DnsName.Parse("local.");
    public static readonly DnsName ServiceType = DnsName.Parse("_minimesos._tcp.local.");
    public static readonly DnsName ServicesMeta = DnsName.Parse("_services._dns-sd._udp.local.");

    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan MaxInitialProbeDelay = TimeSpan.FromMilliseconds(250);
    public const int ProbeCount = 3;
    public const int AnnouncementCount = 2;
    public static readonly TimeSpan MinMulticastInterval = TimeSpan.FromSeconds(1);

    /// <summary>A goodbye or a flushed record lingers one second before removal (RFC 6762 §10.1, §10.2).</summary>
    public static readonly TimeSpan GoodbyeGrace = TimeSpan.FromSeconds(1);
}
