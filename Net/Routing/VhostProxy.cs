using System.Buffers;
using System.Net.Sockets;
using System.Text;
using MiniMesos.Core.Routing;

namespace MiniMesos.Net.Routing;

/// <summary>
/// The shared HTTP port: reads a request's head (up to 16 KiB, within 10 s), routes by its Host header to the app whose
/// MINIMESOS_VHOST label names it, and from then on relays the connection as it is (later requests on a kept-alive
/// connection go to the same instance). No such app: 404; no instance answering: 503; a malformed head: 400.
/// </summary>
internal sealed class VhostProxy(RoutingMesh mesh)
{
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(10);

    public async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(HttpHead.MaxHeadBytes);
        try
        {
            var received = 0;
            string? host = null;
            var result = HttpHead.Result.NeedMore;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(HeadTimeout);
                while (result == HttpHead.Result.NeedMore)
                {
                    var n = await client.ReceiveAsync(buffer.AsMemory(received, HttpHead.MaxHeadBytes - received), SocketFlags.None, timeout.Token)
                        .ConfigureAwait(false);
                    if (n == 0) return;
                    received += n;
                    result = HttpHead.TryReadHost(buffer.AsSpan(0, received), out host);
                }
            }
            if (result == HttpHead.Result.Invalid || host is null)
            {
                await AnswerAsync(client, "400 Bad Request", "the request has no valid Host header", cancellationToken).ConfigureAwait(false);
                return;
            }
            if (mesh.PortForHost(host) is not { } port)
            {
                await AnswerAsync(client, "404 Not Found", $"no app has the virtual host {host} (label MINIMESOS_VHOST)", cancellationToken).ConfigureAwait(false);
                return;
            }
            var head = buffer.AsMemory(0, received).ToArray();
            if (!await mesh.ForwardAsync(client, port, head, cancellationToken).ConfigureAwait(false))
                await AnswerAsync(client, "503 Service Unavailable", $"no instance of {host} is running and healthy", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task AnswerAsync(Socket client, string status, string message, CancellationToken cancellationToken)
    {
        var body = message + "\n";
        var text = $"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
        await client.SendAsync(Encoding.UTF8.GetBytes(text), SocketFlags.None, cancellationToken).ConfigureAwait(false);
    }
}
