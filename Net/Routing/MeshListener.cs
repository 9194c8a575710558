using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MiniMesos.Net.Wire;

namespace MiniMesos.Net.Routing;

/// <summary>
/// One listening socket of the routing mesh: accepts connections and hands each to <c>handle</c>, at most
/// <c>maxConnections</c> at once (one more is closed at accept, so a flood cannot exhaust the agent).
/// </summary>
internal sealed class MeshListener : IDisposable
{
    private readonly Socket _socket;
    private readonly Func<Socket, CancellationToken, Task> _handle;
    private readonly int _max;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private int _active;

    private MeshListener(Socket socket, Func<Socket, CancellationToken, Task> handle, int max, ILogger logger)
    {
        (_socket, _handle, _max, _logger) = (socket, handle, max, logger);
        _ = AcceptAsync();
    }

    public int Port { get; private init; }

    /// <summary>Connections being forwarded now.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Listens on <paramref name="port"/>; null and the reason when the port cannot be bound (in use, not permitted).</summary>
    public static (MeshListener? Listener, string? Error) TryOpen(IPAddress address, int port, Func<Socket, CancellationToken, Task> handle, int max,
        ILogger logger)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(512);
            return (new MeshListener(socket, handle, max, logger) { Port = port }, null);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            return (null, e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "address already in use",
                SocketError.AccessDenied => "permission denied",
                _ => e.Message,
            });
        }
    }

    private Task AcceptAsync() => TcpAcceptLoop.RunAsync(_socket, Admit, ServeAsync,
        e => _logger.LogDebug("routing mesh port {Port}: accept failed: {Error}", Port, e.Message), _stop.Token);

    private bool Admit()
    {
        if (Interlocked.Increment(ref _active) <= _max) return true;
        Interlocked.Decrement(ref _active);
        return false;
    }

    private async Task ServeAsync(Socket client)
    {
        try
        {
            client.NoDelay = true;
            await _handle(client, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogDebug("routing mesh port {Port}: {Error}", Port, e.Message);
        }
        finally
        {
            client.Dispose();
            Interlocked.Decrement(ref _active);
        }
    }

    /// <summary>Stops listening and ends the connections it forwards (its service is gone).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
    }
}
