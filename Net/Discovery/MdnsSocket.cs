using System.Net;
using System.Net.Sockets;
using MiniMesos.Core.Discovery;
using MiniMesos.Core.Dns;

namespace MiniMesos.Net.Discovery;

/// <summary>
/// One UDP socket on 0.0.0.0:5353 (SO_REUSEADDR, so other responders on the host keep working) joined to
/// 224.0.0.251 on each chosen interface. Multicast sends go out once per interface.
/// </summary>
internal sealed class MdnsSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly Lock _sendLock = new();
    private readonly byte[] _receiveBuffer = new byte[MdnsProtocol.MaxPacketBytes];
    private IReadOnlyList<IPAddress> _interfaces = [];

    public MdnsSocket(IReadOnlyList<IPAddress> interfaces)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(new IPEndPoint(IPAddress.Any, MdnsProtocol.Port));
            // RFC 6762 §11: send with IP TTL 255; loopback lets other mDNS users on this host hear us.
            _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 255);
            _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.IpTimeToLive, 255);
            _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);
            Join(interfaces);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    public IReadOnlyList<IPAddress> Interfaces => _interfaces;

    /// <summary>Joins the group on new interfaces and leaves it on vanished ones (address changes).</summary>
    public void Join(IReadOnlyList<IPAddress> interfaces)
    {
        foreach (var gone in _interfaces.Except(interfaces))
        {
            TryMembership(SocketOptionName.DropMembership, gone);
        }
        foreach (var added in interfaces.Except(_interfaces))
        {
            try
            {
                _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(MdnsProtocol.GroupV4, added));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                // Another address of an interface we already joined on: one membership per interface is enough.
            }
        }
        _interfaces = [.. interfaces];
    }

    public void Send(MdnsSend send)
    {
        var bytes = send.Message.Encode();
        lock (_sendLock)
        {
            if (send.Destination is { } unicast)
            {
                TrySend(bytes, unicast);
                return;
            }
            foreach (var address in _interfaces)
            {
                _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, address.GetAddressBytes());
                TrySend(bytes, MdnsProtocol.GroupEndpointV4);
            }
        }
    }

    /// <summary>Next well-formed DNS message; malformed datagrams are dropped here.</summary>
    public async ValueTask<(DnsMessage Message, IPEndPoint Source)> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _socket.ReceiveFromAsync(_receiveBuffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cancellationToken);
            try
            {
                return (DnsMessageReader.Read(_receiveBuffer.AsSpan(0, result.ReceivedBytes)), (IPEndPoint)result.RemoteEndPoint);
            }
            catch (DnsFormatException)
            {
                // Not our problem to report: anyone on the LAN can send garbage.
            }
        }
    }

    public void Dispose() => _socket.Dispose();

    private void TrySend(byte[] bytes, IPEndPoint to)
    {
        try
        {
            _socket.SendTo(bytes, to);
        }
        catch (SocketException)
        {
            // An interface going down mid-send must not stop the loop; the next send retries.
        }
    }

    private void TryMembership(SocketOptionName option, IPAddress address)
    {
        try
        {
            _socket.SetSocketOption(SocketOptionLevel.IP, option, new MulticastOption(MdnsProtocol.GroupV4, address));
        }
        catch (SocketException)
        {
            // The interface may already be gone.
        }
    }
}
