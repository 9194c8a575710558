using System.Net.Sockets;

namespace MiniMesos.Net.Wire;

/// <summary>
/// The accept loop of a bounded TCP server (the routing mesh's listeners, the app DNS): accepts until stopped or the
/// listening socket is disposed, closes at once a connection <c>admit</c> refuses (over the server's limit), and hands
/// every other one to <c>serve</c> without waiting for it to end (<c>serve</c> must not throw). An accept that fails (a connection reset before it was
/// taken, out of descriptors) is reported to <c>failed</c> and the loop goes on.
/// </summary>
internal static class TcpAcceptLoop
{
    public static async Task RunAsync(Socket listener, Func<bool> admit, Func<Socket, Task> serve, Action<SocketException>? failed,
        CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                failed?.Invoke(e);
                continue;
            }
            if (!admit())
            {
                client.Dispose();
                continue;
            }
            _ = serve(client);   // runs until its first wait, then the loop accepts the next
        }
    }
}
