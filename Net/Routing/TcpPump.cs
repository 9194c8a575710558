using System.Buffers;
using System.Net.Sockets;

namespace MiniMesos.Net.Routing;

/// <summary>
/// Copies bytes both ways between two connected sockets with two pumps and pooled buffers; when one side ends its stream
/// the other side's sending half is shut down (a half-close passes through), and both sockets are closed when both
/// directions are done or either fails.
/// </summary>
internal static class TcpPump
{
    private const int BufferBytes = 32 * 1024;

    public static async Task RunAsync(Socket client, Socket upstream, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await Task.WhenAll(PumpAsync(client, upstream, stop), PumpAsync(upstream, client, stop)).ConfigureAwait(false);
        }
        finally
        {
            client.Dispose();
            upstream.Dispose();
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationTokenSource stop)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, stop.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                var sent = 0;
                while (sent < n) sent += await to.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A reset or an error on either side ends both directions.
            await stop.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
