using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;

namespace MiniMesos.Net.Wire;

/// <summary>
/// Length-prefixed frames over any <see cref="Stream"/> (TCP today, TLS later): 4-byte big-endian unsigned
/// payload length, then the payload. Sends may come from many threads; receives from one reader loop.
/// Any failure leaves the connection broken: callers close it and reconnect.
/// </summary>
internal sealed class FramedConnection : IAsyncDisposable
{
    private const int HeaderBytes = 4;
    // Frames up to this size are sent with a single write; bigger ones as header + payload.
    private const int CoalesceLimit = 64 * 1024;
    // A claimed length is trusted only as data arrives: the buffer grows from here instead of
    // allocating what an unauthenticated peer merely announced.
    private const int InitialBodyBuffer = 64 * 1024;

    private readonly Stream _stream;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly byte[] _header = new byte[HeaderBytes];
    private int _receiving;
    private int _disposed;
    private volatile bool _receiveBroken;
    private volatile bool _sendBroken;

    public FramedConnection(Stream stream, WireOptions options)
        : this(stream, options, remote: null)
    {
    }

    /// <param name="remote">How to name the peer in errors and logs; defaults to the socket's remote endpoint.</param>
    public FramedConnection(Stream stream, WireOptions options, string? remote)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        _stream = stream;
        Options = options;
        Remote = remote ?? RemoteOf(stream);
    }

    public WireOptions Options { get; }

    /// <summary>The peer's address (or a given name), for log lines.</summary>
    public string Remote { get; }

    public bool IsClosed => Volatile.Read(ref _disposed) != 0;

    public async ValueTask SendFrameAsync(ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        if (payload.Length > Options.MaxFrameBytes)
            throw new WireException($"refusing to send a frame of {payload.Length} bytes to {Remote}: limit is {Options.MaxFrameBytes}");
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (Options.WriteTimeout != Timeout.InfiniteTimeSpan)
            timeout.CancelAfter(Options.WriteTimeout);
        byte[]? rented = null;
        try
        {
            if (_sendBroken)
                throw new WireException($"connection to {Remote} is broken by an earlier send failure");
            int total = HeaderBytes + payload.Length;
            if (payload.Length <= CoalesceLimit)
            {
                rented = ArrayPool<byte>.Shared.Rent(total);
                BinaryPrimitives.WriteUInt32BigEndian(rented, (uint)payload.Length);
                payload.Span.CopyTo(rented.AsSpan(HeaderBytes));
                await _stream.WriteAsync(rented.AsMemory(0, total), timeout.Token).ConfigureAwait(false);
            }
            else
            {
                var header = new byte[HeaderBytes];
                BinaryPrimitives.WriteUInt32BigEndian(header, (uint)payload.Length);
                await _stream.WriteAsync(header, timeout.Token).ConfigureAwait(false);
                await _stream.WriteAsync(payload, timeout.Token).ConfigureAwait(false);
            }
            await _stream.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            _sendBroken = true;
            throw new WireException($"sending to {Remote} timed out after {Options.WriteTimeout.TotalSeconds:0.###} s");
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            _sendBroken = true;
            throw new WireException($"sending to {Remote} failed: {e.Message}", e);
        }
        catch (OperationCanceledException)
        {
            // A cancelled write may have left half a frame on the stream.
            _sendBroken = true;
            throw;
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
            _sendLock.Release();
        }
    }

    /// <summary>
    /// The next frame's payload; null on a clean end of stream between frames. Not for concurrent callers.
    /// </summary>
    public ValueTask<byte[]?> ReceiveFrameAsync(CancellationToken ct) => ReceiveFrameAsync(Options.MaxFrameBytes, ct);

    /// <summary>As <see cref="ReceiveFrameAsync(CancellationToken)"/> with a tighter size limit (e.g. before authentication).</summary>
    public async ValueTask<byte[]?> ReceiveFrameAsync(int maxFrameBytes, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        if (Interlocked.Exchange(ref _receiving, 1) != 0)
            throw new InvalidOperationException("ReceiveFrameAsync does not support concurrent callers");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        string phase = "waiting for a frame";
        TimeSpan limit = Options.IdleTimeout;
        try
        {
            if (_receiveBroken)
                throw new WireException($"connection to {Remote} is broken by an earlier receive failure");
            if (limit != Timeout.InfiniteTimeSpan)
                timeout.CancelAfter(limit);
            int got = await _stream.ReadAsync(_header, timeout.Token).ConfigureAwait(false);
            if (got == 0)
                return null;

            // The frame has started: the rest must arrive within ReadTimeout.
            phase = "reading a frame";
            limit = Options.ReadTimeout;
            if (!timeout.TryReset())
                throw new OperationCanceledException(timeout.Token);
            if (limit != Timeout.InfiniteTimeSpan)
                timeout.CancelAfter(limit);
            while (got < HeaderBytes)
            {
                int n = await _stream.ReadAsync(_header.AsMemory(got), timeout.Token).ConfigureAwait(false);
                if (n == 0)
                    throw new WireException($"{Remote} closed the connection inside a frame header ({got} of {HeaderBytes} bytes)");
                got += n;
            }
            uint length = BinaryPrimitives.ReadUInt32BigEndian(_header);
            if (length > (uint)Math.Min(maxFrameBytes, Options.MaxFrameBytes))
                throw new WireException($"{Remote} sent a frame of {length} bytes, over the limit of {Math.Min(maxFrameBytes, Options.MaxFrameBytes)}");
            return await ReadBodyAsync((int)length, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            _receiveBroken = true;
            throw new WireException($"timed out {phase} from {Remote} after {limit.TotalSeconds:0.###} s");
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            _receiveBroken = true;
            throw new WireException($"receiving from {Remote} failed: {e.Message}", e);
        }
        catch
        {
            _receiveBroken = true;
            throw;
        }
        finally
        {
            Volatile.Write(ref _receiving, 0);
        }
    }

    private async ValueTask<byte[]> ReadBodyAsync(int length, CancellationToken token)
    {
        var body = new byte[Math.Min(length, InitialBodyBuffer)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == body.Length)
                Array.Resize(ref body, (int)Math.Min(length, 2L * body.Length));
            int n = await _stream.ReadAsync(body.AsMemory(filled), token).ConfigureAwait(false);
            if (n == 0)
                throw new WireException($"{Remote} closed the connection inside a frame ({filled} of {length} payload bytes)");
            filled += n;
        }
        return body;
    }

    private static string RemoteOf(Stream stream)
    {
        try
        {
            return (stream as NetworkStream)?.Socket.RemoteEndPoint?.ToString() ?? "peer";
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return "peer"; // already closed: the first read or write will report it
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _receiveBroken = true;
        _sendBroken = true;
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // Closing a stream the peer already reset is not an error worth reporting.
        }
    }
}
