using System.Net;

namespace MiniMesos.Net.Discovery;

/// <summary>
/// Where mDNS runs: the IPv4 addresses of the interfaces to join 224.0.0.251 on. Null means every interface
/// that is up, multicast-capable and not loopback.
/// </summary>
internal sealed record MdnsOptions(IReadOnlyList<IPAddress>? InterfaceAddresses = null);
