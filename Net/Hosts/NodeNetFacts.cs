using System.Net;
using System.Net.Sockets;
using MiniMesos.Core.Doctor;
using MiniMesos.Net.Discovery;

namespace MiniMesos.Net.Hosts;

/// <summary>
/// The network and storage side of `minimesos doctor`'s facts: whether the master's ports can be bound, whether the
/// mDNS group can be joined, and the state directories' access, mode and free space. Nothing is left behind.
/// </summary>
internal static class NodeNetFacts
{
    private static readonly IPAddress MdnsGroup = IPAddress.Parse("224.0.0.251");

    /// <summary>Binds and at once releases <paramref name="port"/> on every IPv4 address; the error when it cannot.</summary>
    public static PortFact Port(int port, string what, DoctorRole role)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            socket.Listen(1);
            return new PortFact(port, what, role, null);
        }
        catch (SocketException e)
        {
            return new PortFact(port, what, role, e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "in use" : e.Message);
        }
    }

    /// <summary>Joins 224.0.0.251 on the first interface mDNS would use; (interface, null) or (null, why not).</summary>
    public static (string? Interface, string? Problem) Multicast()
    {
        IReadOnlyList<IPAddress> addresses;
        try
        {
            addresses = MdnsInterfaces.Suitable();
        }
        catch (System.Net.NetworkInformation.NetworkInformationException e)
        {
            return (null, e.Message);
        }
        if (addresses.Count == 0) return (null, "no interface that is up, multicast-capable and has an IPv4 address (only loopback?)");
        var problems = new List<string>();
        foreach (var address in addresses)
        {
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(MdnsGroup, address));
                return (address.ToString(), null);
            }
            catch (SocketException e)
            {
                problems.Add($"{address}: {e.Message}");
            }
        }
        return (null, $"cannot join 224.0.0.251 ({string.Join("; ", problems)})");
    }

    /// <summary>Whether this user can write <paramref name="path"/> (or create it below its nearest existing parent), its mode, the free space there.</summary>
    public static DirFact Dir(string path, DoctorRole role)
    {
        try
        {
            var full = Path.GetFullPath(path);
            var existing = full;
            while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent) existing = parent;
            if (File.Exists(full)) return new DirFact(full, role, false, false, null, null, "is a file, not a directory");
            var exists = existing == full;
            var writable = Isolation.Libc.Unistd.access(existing, Isolation.Libc.Unistd.WOk) == 0;
            int? mode = exists ? (int)File.GetUnixFileMode(full) : null;
            long? free = null;
            try
            {
                free = new DriveInfo(existing).AvailableFreeSpace;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
            }
            return new DirFact(full, role, exists, writable, mode, free);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new DirFact(path, role, false, false, null, null, e.Message);
        }
    }
}
