using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace MiniMesos.Net.Discovery;

/// <summary>Chooses the IPv4 interface addresses mDNS runs on.</summary>
internal static class MdnsInterfaces
{
    public static IReadOnlyList<IPAddress> Resolve(MdnsOptions options) =>
        options.InterfaceAddresses is { Count: > 0 } chosen ? chosen : Suitable();

    /// <summary>Up (or of unknown state, as veths inside namespaces may report), multicast-capable, not loopback.</summary>
    public static IReadOnlyList<IPAddress> Suitable() =>
        [.. NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.NetworkInterfaceType != NetworkInterfaceType.Loopback && n.SupportsMulticast &&
                        n.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .Distinct()];
}
