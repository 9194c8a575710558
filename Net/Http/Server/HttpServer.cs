using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;

namespace MiniMesos.Net.Http.Server;

/// <summary>
/// The master API's HTTP/1.1 server: accepts connections on one endpoint, over TLS (1.2 or 1.3, ALPN http/1.1, the
/// certificate current when the connection arrives) unless plain HTTP is asked for, and serves each with
/// <see cref="HttpConnection"/>. A plain-text client on the TLS port fails its handshake and is closed at once.
/// </summary>
internal sealed class HttpServer(HttpServerOptions options, RequestDelegate app, ILogger? logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _connections = new();
    private Socket? _listener;
    private Task? _accepting;

    /// <summary>The endpoint listened on (with the port chosen when port 0 was asked for).</summary>
    public IPEndPoint? LocalEndPoint => _listener?.LocalEndPoint as IPEndPoint;

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        var listener = new Socket(options.Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (options.Endpoint.AddressFamily == AddressFamily.InterNetworkV6 && options.Endpoint.Address.Equals(IPAddress.IPv6Any)) listener.DualMode = true;
        listener.Bind(options.Endpoint);
        listener.Listen(512);
        _listener = listener;
        _accepting = AcceptAsync(listener);
        return Task.CompletedTask;
    }

    private async Task AcceptAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                logger?.LogWarning("API accept failed: {Error}", e.Message);
                continue;
            }
            if (_connections.Count >= options.MaxConnections)
            {
                client.Dispose();
                continue;
            }
            client.NoDelay = true;
            var served = Task.Run(() => ServeAsync(client));
            _connections.TryAdd(served, true);
            _ = served.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var remote = (client.RemoteEndPoint as IPEndPoint)?.Address;
        Stream stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            if (options.Tls is { } tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                handshake.CancelAfter(options.HandshakeTimeout);
                // TLS 1.2 too: the API's clients are curl, browsers and scripts of every age; the cluster port is 1.3 only.
                // HTTP/1.1 only in ALPN: this server speaks nothing else.
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = tls.Current.Context,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ApplicationProtocols = [SslApplicationProtocol.Http11],
                }, handshake.Token).ConfigureAwait(false);
            }
            var connection = new HttpConnection(stream, remote, options, app, logger);
            await connection.RunAsync(_stopping.Token).ConfigureAwait(false);
            if (connection.Abortive)
            {
                // Closed here with no linger (a reset): the stream's own dispose would shut the socket down first (a FIN, an ending).
                client.LingerState = new LingerOption(true, 0);
                client.Dispose();
            }
        }
        catch (Exception e) when (e is IOException or AuthenticationException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // A client that left, failed its handshake (plain text on the TLS port) or was too slow: nothing to answer.
        }
        catch (Exception e)
        {
            logger?.LogError("API connection from {Remote} failed: {Error}", remote, e.ToString());
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops accepting, ends every stream and connection, and waits for them (at most until <paramref name="cancellationToken"/>).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        try
        {
            if (_accepting is not null) await _accepting.ConfigureAwait(false);
            await Task.WhenAll(_connections.Keys).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Connections still busy after the deadline end with the process.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
