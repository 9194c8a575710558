using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Dns;
using MiniMesos.Net.Wire;

namespace MiniMesos.Net.AppDns;

/// <summary>
/// The app DNS on a master's --dns-port, UDP and TCP (RFC 7766: two-byte length before each message). Each answer comes
/// from <see cref="AppDnsAnswerer"/> over the current zone. TCP is bounded: at most <see cref="MaxConnections"/> at once
/// (more are closed at once), <see cref="IdleTimeout"/> to send each query, <see cref="MaxQueriesPerConnection"/> queries each.
/// </summary>
internal sealed class AppDnsServer : IAsyncDisposable
{
    public const int MaxConnections = 64;
    public const int MaxQueriesPerConnection = 100;
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(5);

    private readonly Func<AppDnsZone> _zone;
    private readonly ILogger _logger;
    private readonly Socket _udp;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _connections = new(MaxConnections, MaxConnections);
    private Task _loops = Task.CompletedTask;

    private AppDnsServer(Socket udp, TcpListener tcp, Func<AppDnsZone> zone, ILogger logger)
    {
        _udp = udp;
        _tcp = tcp;
        _zone = zone;
        _logger = logger;
    }

    /// <summary>The UDP port in use (the TCP one is the same).</summary>
    public int Port => ((IPEndPoint)_udp.LocalEndPoint!).Port;

    /// <summary>
    /// Binds UDP and TCP on <paramref name="endpoint"/> (port 0: a free one, the same for both; a UDP port whose number is
    /// taken for TCP, as a client connection's local port can be, is given back and another tried) and starts serving.
    /// </summary>
    public static AppDnsServer Start(IPEndPoint endpoint, Func<AppDnsZone> zone, ILogger logger)
    {
        Socket udp;
        TcpListener tcp;
        for (var attempt = 1; ; attempt++)
        {
            udp = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            TcpListener? listener = null;
            try
            {
                if (endpoint.AddressFamily == AddressFamily.InterNetworkV6) udp.DualMode = true;
                udp.Bind(endpoint);
                listener = new TcpListener(new IPEndPoint(endpoint.Address, ((IPEndPoint)udp.LocalEndPoint!).Port));
                // --listen :: serves IPv4 clients too, over TCP as over UDP.
                if (endpoint.AddressFamily == AddressFamily.InterNetworkV6) listener.Server.DualMode = true;
                listener.Start(MaxConnections);
                tcp = listener;
                break;
            }
            catch (SocketException e) when (endpoint.Port == 0 && e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 20)
            {
                udp.Dispose();
                listener?.Stop();
            }
            catch
            {
                udp.Dispose();
                listener?.Stop();
                throw;
            }
        }
        var server = new AppDnsServer(udp, tcp, zone, logger);
        server._loops = Task.WhenAll(Task.Run(server.ServeUdpAsync), Task.Run(server.AcceptAsync));
        return server;
    }

    private async Task ServeUdpAsync()
    {
        var buffer = new byte[AppDnsAnswerer.MaxUdpPayload * 4];
        var any = new IPEndPoint(_udp.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;   // e.g. an ICMP port-unreachable from an earlier reply's requester
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            var reply = AnswerSafely(buffer.AsSpan(0, received.ReceivedBytes), tcp: false);
            if (reply is null) continue;
            try
            {
                await _udp.SendToAsync(reply, SocketFlags.None, received.RemoteEndPoint, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The requester is gone; UDP has nothing to retry.
            }
        }
    }

    // Over the limit the connection is closed: the resolver retries later or elsewhere.
    private Task AcceptAsync() => TcpAcceptLoop.RunAsync(_tcp.Server, () => _connections.Wait(0), ServeTcpAsync, null, _stop.Token);

    private async Task ServeTcpAsync(Socket client)
    {
        try
        {
            client.NoDelay = true;
            var length = new byte[2];
            var message = new byte[ushort.MaxValue];
            for (var i = 0; i < MaxQueriesPerConnection && !_stop.IsCancellationRequested; i++)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                idle.CancelAfter(IdleTimeout);
                if (!await ReadExactlyAsync(client, length, idle.Token).ConfigureAwait(false)) return;
                int size = BinaryPrimitives.ReadUInt16BigEndian(length);
                if (size == 0 || !await ReadExactlyAsync(client, message.AsMemory(0, size), idle.Token).ConfigureAwait(false)) return;
                var reply = AnswerSafely(message.AsSpan(0, size), tcp: true);
                if (reply is null) return;
                var framed = new byte[reply.Length + 2];
                BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)reply.Length);
                reply.CopyTo(framed, 2);
                await client.SendAsync(framed, SocketFlags.None, idle.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A slow, silent or vanished client: close it.
        }
        finally
        {
            client.Dispose();
            _connections.Release();
        }
    }

    private static async Task<bool> ReadExactlyAsync(Socket client, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await client.ReceiveAsync(buffer[read..], SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }

    private byte[]? AnswerSafely(ReadOnlySpan<byte> packet, bool tcp)
    {
        try
        {
            return AppDnsAnswerer.Answer(packet, _zone(), tcp);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug must cost one query, never the server: the requester sees a timeout and retries.
            _logger.LogWarning("app DNS: could not answer a {Length}-byte query: {Error}", packet.Length, e.Message);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _udp.Dispose();
        _tcp.Stop();
        try
        {
            await _loops.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        _stop.Dispose();
    }
}
