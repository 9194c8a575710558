using System.Net;
using MiniMesos.Core.Dns;

namespace MiniMesos.Core.Discovery;

/// <summary>A packet the protocol logic wants sent: to the multicast group, or unicast to <see cref="Destination"/>.</summary>
internal sealed record MdnsSend(DnsMessage Message, IPEndPoint? Destination = null)
{
    public bool IsMulticast => Destination is null;
}
