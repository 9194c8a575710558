using System.Text;
using MiniMesos.Core.Http;
using MiniMesos.Core.Streams;

namespace MiniMesos.Net.Http.Server;

/// <summary>
/// A request's body, read from the connection as it is asked for: Content-Length bytes, or chunks (chunked encoding).
/// The client's "Expect: 100-continue" is answered on the first read, so a body the endpoint refuses unread is never
/// sent. More than <see cref="MaxSize"/> bytes (declared or received) is a 413; a malformed chunk a 400; a body
/// that stalls longer than the server's body timeout a 408.
/// </summary>
internal sealed class RequestBodyStream : ReadOnlyStream
{
    private const int MaxChunkLineBytes = 1024;
    private const int MaxTrailerBytes = 8 * 1024;
    private readonly ConnectionInput _input;
    private readonly HttpRequestHead _head;
    private readonly Func<CancellationToken, Task>? _sendContinue;
    private readonly TimeSpan _timeout;
    private long _remaining; // of the Content-Length, or of the current chunk
    private long _received;
    private bool _started;
    private bool _chunkEnded = true; // before the first chunk's size line

    public RequestBodyStream(ConnectionInput input, HttpRequestHead head, long maxSize, TimeSpan timeout, Func<CancellationToken, Task>? sendContinue)
    {
        _input = input;
        _head = head;
        MaxSize = maxSize;
        _timeout = timeout;
        _sendContinue = sendContinue;
        _remaining = head.ContentLength ?? 0;
        Completed = !head.Chunked && _remaining == 0;
    }

    /// <summary>The largest body accepted; an endpoint may raise it before the first read (snapshot restore).</summary>
    public long MaxSize { get; set; }

    /// <summary>Whether the whole body was read (the connection can then serve another request).</summary>
    public bool Completed { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Completed || buffer.Length == 0) return 0;
        if (!_started)
        {
            _started = true;
            if (_head.ContentLength > MaxSize) throw TooLarge();
            if (_sendContinue is not null) await _sendContinue(cancellationToken).ConfigureAwait(false);
        }
        if (_head.Chunked && _chunkEnded && !await NextChunkAsync(cancellationToken).ConfigureAwait(false)) return 0;
        if (_input.Count == 0) await FillAsync(cancellationToken).ConfigureAwait(false);
        var n = _input.Take(buffer.Span, (int)Math.Min(_remaining, int.MaxValue));
        _remaining -= n;
        _received += n;
        if (_received > MaxSize) throw TooLarge();
        if (_remaining == 0)
        {
            if (_head.Chunked) _chunkEnded = true;
            else Completed = true;
        }
        return n;
    }

    /// <summary>Reads the CRLF ending the previous chunk (if any) and the next size line; false after the last chunk and its trailers.</summary>
    private async Task<bool> NextChunkAsync(CancellationToken ct)
    {
        if (_received > 0 && await ReadLineAsync(2, ct).ConfigureAwait(false) is not "") throw Malformed("a chunk's data must end with CRLF");
        var line = await ReadLineAsync(MaxChunkLineBytes, ct).ConfigureAwait(false);
        if (HttpChunkHeader.TryParseSize(line) is not { } size) throw Malformed("a chunk size is not a hexadecimal number of bytes");
        if (_received + size > MaxSize) throw TooLarge();
        if (size > 0)
        {
            _remaining = size;
            _chunkEnded = false;
            return true;
        }
        // The last chunk: trailers (ignored) up to the empty line.
        var trailers = 0;
        while (await ReadLineAsync(MaxTrailerBytes, ct).ConfigureAwait(false) is { Length: > 0 } trailer)
            if ((trailers += trailer.Length) > MaxTrailerBytes) throw Malformed("the chunked body's trailers are too large");
        Completed = true;
        return false;
    }

    /// <summary>One CRLF-terminated line (without it), at most <paramref name="max"/> bytes.</summary>
    private async Task<string> ReadLineAsync(int max, CancellationToken ct)
    {
        while (true)
        {
            var lf = _input.Buffered.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                if (lf == 0 || _input.Buffered[lf - 1] != (byte)'\r' || lf - 1 > max) throw Malformed("a chunk line must end with CRLF and be short");
                var line = Encoding.Latin1.GetString(_input.Buffered[..(lf - 1)]);
                _input.Consume(lf + 1);
                return line;
            }
            if (_input.Count > max + 1) throw Malformed("a chunk line is too long");
            await FillAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task FillAsync(CancellationToken ct)
    {
        bool more;
        try
        {
            more = await _input.ReadMoreAsync(ct).WaitAsync(_timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new BadHttpRequestException(408, $"the request body stalled for {_timeout.TotalSeconds:0} s");
        }
        if (!more) throw new BadHttpRequestException(400, "the connection ended before the whole request body arrived");
    }

    private BadHttpRequestException TooLarge() => new(413, $"the request body is larger than {MaxSize} bytes");

    private static BadHttpRequestException Malformed(string reason) => new(400, $"malformed chunked body: {reason}");

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
}
