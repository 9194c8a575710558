using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Http;

namespace MiniMesos.Net.Http.Server;

/// <summary>
/// One client connection (plain or TLS): reads request heads, hands each request to the application, finishes its
/// answer, and serves the next while the connection is kept alive. A request it cannot parse gets 400/413/414/431/505
/// with the reason and the connection closed; a client that is slow to send its head, or idle too long, is dropped.
/// </summary>
internal sealed class HttpConnection
{
    private readonly Stream _stream;
    private readonly IPAddress? _remote;
    private readonly HttpServerOptions _options;
    private readonly RequestDelegate _app;
    private readonly ILogger? _logger;
    private readonly CancellationTokenSource _closing = new();
    private readonly ConnectionInput _input;

    public HttpConnection(Stream stream, IPAddress? remote, HttpServerOptions options, RequestDelegate app, ILogger? logger)
    {
        _stream = stream;
        _remote = remote;
        _options = options;
        _app = app;
        _logger = logger;
        _input = new ConnectionInput(stream, options.Limits.MaxRequestLineBytes + options.Limits.MaxHeaderBytes + 8 * 1024, _closing.Token);
    }

    /// <summary>Whether the connection should be reset (an answer was cut off), not closed.</summary>
    public bool Abortive { get; private set; }

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var (head, error) = await ReadHeadAsync(stopping).ConfigureAwait(false);
                if (error is not null)
                {
                    await AnswerErrorAsync(error.Status, error.Reason, head, stopping).ConfigureAwait(false);
                    return;
                }
                if (head is null) return; // closed, idle or slow: nothing to answer
                if (!await ServeAsync(head, stopping).ConfigureAwait(false)) return;
            }
        }
        finally
        {
            await _closing.CancelAsync().ConfigureAwait(false);
            _closing.Dispose();
        }
    }

    /// <summary>The next request's head; (null, null) when the client closed or stayed silent, (null, error) when it is malformed.</summary>
    private async Task<(HttpRequestHead? Head, HttpParseError? Error)> ReadHeadAsync(CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_input.Count == 0 ? _options.KeepAliveTimeout : _options.HeadersTimeout);
        var started = _input.Count > 0;
        var parse = _input.Count > 0;
        while (true)
        {
            if (parse)
            {
                var result = HttpRequestParser.TryParse(_input.Buffered, _options.Limits, out var head, out var consumed, out var error);
                if (result == HttpRequestParser.Result.Invalid) return (null, error);
                if (result == HttpRequestParser.Result.Complete)
                {
                    _input.Consume(consumed);
                    return (head, null);
                }
            }
            var before = _input.Count;
            try
            {
                if (!await _input.ReadMoreAsync(timeout.Token).ConfigureAwait(false))
                    return (null, _input.Count > 0 ? new HttpParseError(400, "the connection ended inside the request head") : null);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                return (null, started ? new HttpParseError(408, $"the request head did not arrive within {_options.HeadersTimeout.TotalSeconds:0} s") : null);
            }
            if (!started)
            {
                started = true;
                timeout.CancelAfter(_options.HeadersTimeout);
            }
            // Parse again only when a line may have ended: a client sending a byte at a time costs one parse per line.
            parse = _input.Buffered[before..].Contains((byte)'\n');
        }
    }

    /// <summary>Serves one request; false when the connection must close afterwards.</summary>
    private async Task<bool> ServeAsync(HttpRequestHead head, CancellationToken stopping)
    {
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var response = new HttpResponse(_stream, head.Method == HttpMethods.Head, head.Http10, head.KeepAlive);
        var body = new RequestBodyStream(_input, head, _options.MaxBodyBytes, _options.BodyTimeout,
            head.ExpectsContinue ? ct => SendContinueAsync(response, ct) : null);
        var request = new HttpRequest(head, body);
        var context = new HttpContext(request, response, _remote, aborted.Token);
        // A request without a body: a read now notices the client leaving (a stream's RequestAborted), keeping what it sends.
        if (body.Completed) _ = WatchAsync(aborted);
        try
        {
            await _app(context).ConfigureAwait(false);
            if (stopping.IsCancellationRequested && response.HasStarted) return false; // a stream the stop ended: reset below
            if (!body.Completed) response.KeepAlive = false; // the unread rest of the body would be taken for the next request
            await response.CompleteAsync(stopping).ConfigureAwait(false);
            return response.KeepAlive && !_input.Ended;
        }
        catch (BadHttpRequestException e) when (!response.HasStarted)
        {
            await AnswerErrorAsync(e.StatusCode, e.Message, head, stopping).ConfigureAwait(false);
            return false;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException
                                  && (aborted.IsCancellationRequested || _input.Ended || response.HasStarted))
        {
            return false; // the client went away (a write to it failed), or the server stops
        }
        catch (Exception e)
        {
            _logger?.LogError("{Method} {Path} failed: {Error}", head.Method, head.Path, e.ToString());
            if (response.HasStarted) return false;
            await AnswerErrorAsync(500, "internal error (logged by the master)", head, stopping).ConfigureAwait(false);
            return false;
        }
        finally
        {
            // An answer started but not finished (a stream cut off by the server stopping, a failure mid-answer) is
            // reset, so the client sees it broken rather than ended.
            if (response.HasStarted && !response.Completed) Abortive = true;
            await aborted.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task WatchAsync(CancellationTokenSource aborted)
    {
        if (await _input.WatchForCloseAsync().ConfigureAwait(false))
            try { await aborted.CancelAsync().ConfigureAwait(false); } catch (ObjectDisposedException) { }
    }

    private async Task SendContinueAsync(HttpResponse response, CancellationToken ct)
    {
        if (response.HasStarted) return;
        await _stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), ct).ConfigureAwait(false);
        await _stream.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A short plain-text answer to a request that cannot be served, with the connection closed after it.</summary>
    private async Task AnswerErrorAsync(int status, string reason, HttpRequestHead? head, CancellationToken ct)
    {
        var response = new HttpResponse(_stream, head?.Method == HttpMethods.Head, head?.Http10 ?? false, keepAlive: false)
        {
            StatusCode = status,
            ContentType = "text/plain; charset=utf-8",
        };
        try
        {
            await response.WriteAsync(Encoding.UTF8.GetBytes(reason + "\n"), ct).ConfigureAwait(false);
            await response.CompleteAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone already.
        }
    }
}
