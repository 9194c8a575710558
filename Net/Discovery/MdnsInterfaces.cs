using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace MiniMesos.Net.Discovery;

/// <summary>Chooses the IPv4 interfaces mDNS runs on and the addresses it advertises.</summary>
internal static class MdnsInterfaces
{
    /// <summary>One address per interface to join 224.0.0.251 and send on (joining twice per interface fails).</summary>
    public static IReadOnlyList<IPAddress> Resolve(MdnsOptions options) =>
        options.InterfaceAddresses is { Count: > 0 } chosen ? chosen : Suitable();

    /// <summary>Addresses to put in A records when the instance names none: every IPv4 address of those interfaces.</summary>
    public static IReadOnlyList<IPAddress> AdvertisedAddresses(MdnsOptions options) =>
        options.InterfaceAddresses is { Count: > 0 } chosen ? chosen : [.. SuitableInterfaces().SelectMany(i => i)];

    /// <summary>The first IPv4 address of each suitable interface.</summary>
    public static IReadOnlyList<IPAddress> Suitable() => [.. SuitableInterfaces().Select(i => i[0])];

    /// <summary>Up (or of unknown state, as veths inside namespaces may report), multicast-capable, not loopback.</summary>
    private static IEnumerable<List<IPAddress>> SuitableInterfaces() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.NetworkInterfaceType != NetworkInterfaceType.Loopback && n.SupportsMulticast &&
                        n.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown)
            .Select(n => n.GetIPProperties().UnicastAddresses
                .Select(u => u.Address)
                .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
                .ToList())
            .Where(addresses => addresses.Count > 0);
}
