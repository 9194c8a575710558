using System.Globalization;
using System.Text;

namespace MiniMesos.Net.Http.Server;

/// <summary>
/// An answer being written: status and headers until the first flush, then the body, framed by Content-Length
/// (set by the endpoint, or computed when the endpoint ends without flushing) or chunked (a stream: events, logs);
/// an HTTP/1.0 stream ends with the connection. A HEAD answer sends the headers only.
/// </summary>
internal sealed class HttpResponse
{
    private const int FlushAt = 16 * 1024;
    private readonly Stream _output;
    private readonly bool _head;
    private readonly bool _http10;
    private readonly MemoryStream _pending = new();
    private bool _chunked;
    private long _written;

    public HttpResponse(Stream output, bool head, bool http10, bool keepAlive)
    {
        _output = output;
        _head = head;
        _http10 = http10;
        KeepAlive = keepAlive;
        Body = new ResponseBodyStream(this);
    }

    public int StatusCode { get; set; } = StatusCodes.Status200OK;

    public ResponseHeaders Headers { get; } = new();

    public string? ContentType
    {
        get => Headers["Content-Type"] is { Length: > 0 } type ? type : null;
        set => Headers["Content-Type"] = value ?? "";
    }

    public long? ContentLength { get; set; }

    public Stream Body { get; }

    /// <summary>Whether the status line and headers were sent (nothing about them can change any more).</summary>
    public bool HasStarted { get; private set; }

    /// <summary>Whether the connection serves another request after this answer (false sends "Connection: close").</summary>
    public bool KeepAlive { get; set; }

    /// <summary>Sends the status line and headers now (a stream's, so the client sees them before the first event).</summary>
    public Task StartAsync(CancellationToken ct = default) => FlushAsync(ct);

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        if (!BodyAllowed) return;
        if (ContentLength is { } length && _written + data.Length > length)
            throw new InvalidOperationException($"the answer's body is longer than its Content-Length ({length})");
        _written += data.Length;
        if (_chunked && data.Length > 0) WriteChunkHeader(data.Length);
        _pending.Write(data.Span);
        if (_chunked && data.Length > 0) _pending.Write("\r\n"u8);
        if (_pending.Length >= FlushAt) await FlushAsync(ct).ConfigureAwait(false);
    }

    public async Task FlushAsync(CancellationToken ct)
    {
        if (!HasStarted) Start(complete: false);
        if (_pending.Length == 0) return;
        await _output.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), ct).ConfigureAwait(false);
        await _output.FlushAsync(ct).ConfigureAwait(false);
        _pending.SetLength(0);
    }

    /// <summary>Ends the answer: the head if not sent yet (with the body's length), the last chunk, everything flushed.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        if (!HasStarted) Start(complete: true);
        else if (_chunked) _pending.Write("0\r\n\r\n"u8);
        if (ContentLength is { } length && _written < length && BodyAllowed) KeepAlive = false; // the client would wait for the rest
        await FlushAsync(ct).ConfigureAwait(false);
        Completed = true;
    }

    /// <summary>Whether the whole answer went out (<see cref="CompleteAsync"/> finished).</summary>
    public bool Completed { get; private set; }

    /// <summary>Whether a body goes on the wire: not for HEAD, 1xx, 204 and 304.</summary>
    private bool BodyAllowed => !_head && StatusCode is >= 200 and not 204 and not 304;

    private void Start(bool complete)
    {
        HasStarted = true;
        var body = _pending.ToArray(); // written before the head was composed: framed below
        _pending.SetLength(0);
        var head = new StringBuilder(256);
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {StatusCode} {StatusCodes.Reason(StatusCode)}\r\n");
        head.Append("Date: ").Append(DateTime.UtcNow.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n");
        foreach (var (name, value) in Headers.All)
            if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && !name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                head.Append(name).Append(": ").Append(value).Append("\r\n");
        if (StatusCode is >= 200 and not 204 and not 304)
        {
            if (complete && ContentLength is null && !_head) ContentLength = body.Length;
            if (ContentLength is { } length) head.Append(CultureInfo.InvariantCulture, $"Content-Length: {length}\r\n");
            else if (_head) { }
            else if (_http10) KeepAlive = false; // the body ends with the connection
            else
            {
                _chunked = true;
                head.Append("Transfer-Encoding: chunked\r\n");
            }
        }
        if (!KeepAlive) head.Append("Connection: close\r\n");
        else if (_http10) head.Append("Connection: keep-alive\r\n");
        head.Append("\r\n");
        _pending.Write(Encoding.ASCII.GetBytes(head.ToString()));
        if (body.Length == 0) return;
        if (_chunked) WriteChunkHeader(body.Length);
        _pending.Write(body);
        if (_chunked) _pending.Write("\r\n"u8);
        if (complete && _chunked) _pending.Write("0\r\n\r\n"u8);
    }

    private void WriteChunkHeader(int length) => _pending.Write(Encoding.ASCII.GetBytes(length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
}
