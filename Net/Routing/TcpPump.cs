using System.Buffers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Errno = MiniMesos.Isolation.Libc.Errno;
using Splice = MiniMesos.Isolation.Libc.Splice;

namespace MiniMesos.Net.Routing;

/// <summary>
/// Relays bytes both ways between two connected sockets; when one side ends its stream the other side's sending half is
/// shut down (a half-close passes through), and both sockets are closed when both directions are done or either fails.
/// Each direction splices through a pipe of its own (splice(2): the bytes never enter user space), as much as has arrived
/// per call, and waits for input (a zero-byte receive) only when a splice finds none; where no pipe can be made or the
/// socket does not splice, it falls back to receiving into and sending from a pooled buffer.
/// </summary>
internal static class TcpPump
{
    private const int BufferBytes = 64 * 1024;
    /// <summary>The pipe of each direction (pipe-max-size's default; it holds references to the sockets' pages, not copies),
    /// so one splice takes whatever has arrived. Alone no better than 256 KiB; with the bounded upstream send buffer
    /// (<see cref="RoutingMesh"/>) about 40 ms less CPU per GB relayed.</summary>
    private const int PipeBytes = 1024 * 1024;

    /// <summary>False: always the buffer copy (the benchmark's and the tests' way to measure and check the fallback).</summary>
    internal static bool UseSplice { get; set; } = true;

    public static async Task RunAsync(Socket client, Socket upstream, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The descriptors are used directly: hold both handles so neither number can be closed and reused under a pump.
        bool clientRef = false, upstreamRef = false;
        try
        {
            client.SafeHandle.DangerousAddRef(ref clientRef);
            upstream.SafeHandle.DangerousAddRef(ref upstreamRef);
            // splice(2) waits inside the kernel on a blocking socket, and a socket no async call has used yet (an accepted
            // one) may still be blocking: every splice here must return at once (EAGAIN) instead of holding a pool thread.
            (client.Blocking, upstream.Blocking) = (false, false);
            await Task.WhenAll(PumpAsync(client, upstream, stop), PumpAsync(upstream, client, stop)).ConfigureAwait(false);
        }
        finally
        {
            if (clientRef) client.SafeHandle.DangerousRelease();
            if (upstreamRef) upstream.SafeHandle.DangerousRelease();
            client.Dispose();
            upstream.Dispose();
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationTokenSource stop)
    {
        try
        {
            if (!UseSplice || !Splice.TryPipe(PipeBytes, out var pipeRead, out var pipeWrite))
            {
                await CopyAsync(from, to, stop.Token).ConfigureAwait(false);
                return;
            }
            try
            {
                if (!await SpliceAsync(from, to, pipeRead, pipeWrite, stop.Token).ConfigureAwait(false))
                    await CopyAsync(from, to, stop.Token).ConfigureAwait(false);
            }
            finally
            {
                Splice.Close(pipeRead);
                Splice.Close(pipeWrite);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A reset or an error on either side ends both directions.
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Relays until <paramref name="from"/> ends; false, before any byte moved, when the socket cannot be spliced.</summary>
    private static async Task<bool> SpliceAsync(Socket from, Socket to, int pipeRead, int pipeWrite, CancellationToken cancellationToken)
    {
        var (fromFd, toFd) = ((int)from.SafeHandle.DangerousGetHandle(), (int)to.SafeHandle.DangerousGetHandle());
        var moved = false;
        while (true)
        {
            // Splices whatever has arrived; waits (a zero-byte receive completes once bytes or the end can be read, taking
            // none) only when nothing has, so a stream that keeps coming costs two splices per chunk and no wake-up.
            var n = Splice.Move(fromFd, pipeWrite, PipeBytes);
            if (n == 0)
            {
                to.Shutdown(SocketShutdown.Send);
                return true;
            }
            if (n < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EAGAIN) await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                else if (errno == Errno.EINTR) continue;
                else if (!moved && errno is Errno.EINVAL or Errno.ENOSYS) return false;
                else throw new SocketException(errno);
                continue;
            }
            moved = true;
            await DrainAsync(pipeRead, toFd, (int)n, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Moves the <paramref name="count"/> bytes in the pipe into <paramref name="to"/>, waiting for room
    /// (<see cref="WriteReadiness"/>) whenever its send buffer is full.</summary>
    private static async Task DrainAsync(int pipeRead, int toFd, int count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            var n = Splice.Move(pipeRead, toFd, count);
            if (n > 0)
            {
                count -= (int)n;
                continue;
            }
            var errno = Marshal.GetLastPInvokeError();
            if (n == 0 || errno is not (Errno.EAGAIN or Errno.EINTR)) throw new SocketException((int)SocketError.ConnectionReset);
            if (errno == Errno.EAGAIN) await WriteReadiness.WaitAsync(toFd, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task CopyAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                var sent = 0;
                while (sent < n) sent += await to.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
