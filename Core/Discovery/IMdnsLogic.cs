using System.Net;
using MiniMesos.Core.Dns;

namespace MiniMesos.Core.Discovery;

/// <summary>Pure protocol logic the mDNS driver (Net/Discovery) runs: it is told the time and what arrived, and says what to send.</summary>
internal interface IMdnsLogic
{
    IReadOnlyList<MdnsSend> Start(DateTimeOffset now);

    IReadOnlyList<MdnsSend> Receive(DnsMessage message, IPEndPoint source, DateTimeOffset now);

    IReadOnlyList<MdnsSend> Tick(DateTimeOffset now);

    DateTimeOffset? NextWake(DateTimeOffset now);
}
