namespace MiniMesos.Net.Http.Server;

/// <summary>
/// The bytes received on a connection and not used yet (the next request's head, a body, pipelined requests). One read
/// at a time: a read started to notice the client leaving (<see cref="WatchForCloseAsync"/>) is the next read, so
/// no byte a pipelining client sent early is lost. <c>closing</c> cancels the read still pending when the connection
/// ends, so the socket is closed as asked (a reset), not shut down under a pending read.
/// </summary>
internal sealed class ConnectionInput(Stream stream, int maxBuffered, CancellationToken closing)
{
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;
    private Task<int>? _pending;

    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

    public int Count => _end - _start;

    /// <summary>Whether the client closed its side (a read returned 0).</summary>
    public bool Ended { get; private set; }

    public void Consume(int count) => _start += count;

    /// <summary>Reads more into the buffer; false at the end of the stream or when <paramref name="maxBuffered"/> bytes wait.</summary>
    public async Task<bool> ReadMoreAsync(CancellationToken ct)
    {
        if (Ended) return false;
        var read = _pending ?? Start();
        _pending = null;
        var n = await read.WaitAsync(ct).ConfigureAwait(false);
        if (n == 0)
        {
            Ended = true;
            return false;
        }
        _end += n;
        return true;
    }

    /// <summary>Waits for the client to close (true) or send more (false); the bytes it sends stay buffered.</summary>
    public async Task<bool> WatchForCloseAsync()
    {
        if (Ended) return true;
        _pending ??= Start();
        try
        {
            return await _pending.ConfigureAwait(false) == 0;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>Takes up to <paramref name="max"/> buffered bytes.</summary>
    public int Take(Span<byte> into, int max)
    {
        var n = Math.Min(Math.Min(max, into.Length), Count);
        Buffered[..n].CopyTo(into);
        _start += n;
        return n;
    }

    private Task<int> Start()
    {
        if (_start == _end) _start = _end = 0;
        if (_buffer.Length - _end < 1024)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_buffer.Length - _end < 1024)
            {
                if (_buffer.Length >= maxBuffered) return Task.FromResult(0);
                Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, maxBuffered));
            }
        }
        return stream.ReadAsync(_buffer.AsMemory(_end), closing).AsTask();
    }
}
