using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using MiniMesos.Net.Http;
using MiniMesos.Net.Http.Server;
using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.Http;

/// <summary>
/// The API's own HTTP/1.1 server over real loopback sockets: keep-alive and pipelining, chunked uploads,
/// 100-continue, HEAD, streamed answers, limits and hostile input (always a status and a closed connection, never a
/// hang), timeouts for slow and idle clients, TLS and plain, concurrent connections.
/// </summary>
public sealed class HttpServerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static async Task<HttpServer> StartAsync(Func<HttpServerOptions, HttpServerOptions>? configure = null, ServerCertificate? tls = null)
    {
        var router = new ApiRouter();
        router.MapGet("/hello", () => ApiResults.Json(new ApiError("hi"), ApiJsonContext.Api.ApiError));
        router.MapGet("/items/{id}", (string id) => new BytesResult(Encoding.UTF8.GetBytes("item " + id), 200, "text/plain"));
        router.MapGet("/items/{id}/parts/{**rest}", (string id, HttpContext http) =>
            new BytesResult(Encoding.UTF8.GetBytes($"{id}|{http.Request.RouteValues["rest"]}"), 200, "text/plain"));
        router.MapGet("/items/special", () => new BytesResult("special"u8.ToArray(), 200, "text/plain"));
        router.MapGet("/groups/{**id}", (string id) => new BytesResult(Encoding.UTF8.GetBytes("group " + id), 200, "text/plain"));
        router.MapGet("/groups", () => new BytesResult("root"u8.ToArray(), 200, "text/plain"));
        router.MapPost("/echo", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            return new BytesResult(buffer.ToArray(), 200, "application/octet-stream");
        });
        router.MapPost("/refuse", () => ApiResults.Error(413, "too large"));
        router.MapGet("/stream", async (HttpContext http) =>
        {
            http.Response.ContentType = "text/plain";
            await http.Response.StartAsync(http.RequestAborted);
            for (var i = 0; i < 3; i++)
            {
                await http.Response.Body.WriteAsync(Encoding.ASCII.GetBytes($"line {i}\n"), http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
        });
        router.MapGet("/wait", async (HttpContext http) =>
        {
            try { await Task.Delay(Timeout.Infinite, http.RequestAborted); }
            catch (OperationCanceledException) { Aborted.TrySetResult(); }
        });
        router.MapGet("/forever", async (HttpContext http) =>
        {
            await http.Response.StartAsync(http.RequestAborted);
            try { await Task.Delay(Timeout.Infinite, http.RequestAborted); }
            catch (OperationCanceledException) { }
        });
        router.MapGet("/throw", IResult () => throw new InvalidOperationException("boom"));
        router.Fallback = http => ApiResults.Error(404, $"no endpoint {http.Request.Method} {http.Request.Path}").ExecuteAsync(http);
        RequestDelegate app = router.DispatchAsync;
        var options = new HttpServerOptions(new IPEndPoint(IPAddress.Loopback, 0)) { Tls = tls };
        var server = new HttpServer(configure?.Invoke(options) ?? options, http =>
        {
            if (http.Request.Method == "HEAD") http.Request.Method = "GET";
            return app(http);
        }, null);
        await server.StartAsync();
        return server;
    }

    private static readonly TaskCompletionSource Aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Sends raw bytes, then reads until the server closes (or the patience runs out, which fails).</summary>
    private static async Task<string> ExchangeAsync(HttpServer server, params string[] parts)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.LocalEndPoint!);
        var stream = client.GetStream();
        foreach (var part in parts) await stream.WriteAsync(Encoding.Latin1.GetBytes(part));
        return await ReadToCloseAsync(stream);
    }

    private static async Task<string> ReadToCloseAsync(Stream stream)
    {
        using var cts = new CancellationTokenSource(Patience);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, cts.Token);
        return Encoding.Latin1.GetString(received.ToArray());
    }

    [Fact]
    public async Task PipelinedKeepAliveRequestsAreAnsweredInOrder()
    {
        await using var server = await StartAsync();
        var text = await ExchangeAsync(server,
            "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /items/42 HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
            "GET /items/a/parts/b/c/ HTTP/1.1\r\nHost: x\r\n\r\nGET /items/special HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Assert.Equal(5, text.Split("HTTP/1.1 200 OK").Length - 1);
        Assert.Contains("{\"error\":\"hi\"}", text);
        var order = new[] { "item 42", "hello", "a|b/c", "special" }.Select(s => text.IndexOf(s, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.Order().ToList(), order);
        Assert.Contains("Content-Length: 5\r\n", text);
        Assert.Contains("Connection: close\r\n", text);
    }

    [Fact]
    public async Task HttpClientGetsJsonHeadAnd404()
    {
        await using var server = await StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://{server.LocalEndPoint}"), Timeout = Patience };
        using var hello = await http.GetAsync("/hello");
        Assert.Equal(HttpStatusCode.OK, hello.StatusCode);
        Assert.Equal("application/json; charset=utf-8", hello.Content.Headers.ContentType!.ToString());
        Assert.Equal("{\"error\":\"hi\"}", await hello.Content.ReadAsStringAsync());
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/hello"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(14, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        using var missing = await http.DeleteAsync("/hello");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no endpoint DELETE /hello", await missing.Content.ReadAsStringAsync());
        // The connection stayed usable after a HEAD (no body was expected or sent).
        Assert.Equal("item x", await http.GetStringAsync("/items/x"));
        // A literal route beats a catch-all taking nothing, with or without a trailing slash.
        Assert.Equal("root", await http.GetStringAsync("/groups"));
        Assert.Equal("root", await http.GetStringAsync("/groups/"));
        Assert.Equal("group a/b", await http.GetStringAsync("/groups/a/b"));
    }

    [Fact]
    public async Task AStreamIsChunkedAndFlushedAsWritten()
    {
        await using var server = await StartAsync();
        var text = await ExchangeAsync(server, "GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Assert.Contains("Transfer-Encoding: chunked\r\n", text);
        Assert.EndsWith("7\r\nline 0\n\r\n7\r\nline 1\n\r\n7\r\nline 2\n\r\n0\r\n\r\n", text);
        var head = await ExchangeAsync(server, "HEAD /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Assert.EndsWith("\r\n\r\n", head);
        Assert.DoesNotContain("line", head);
        var old = await ExchangeAsync(server, "GET /stream HTTP/1.0\r\n\r\n");
        Assert.EndsWith("\r\n\r\nline 0\nline 1\nline 2\n", old);
    }

    [Fact]
    public async Task ChunkedUploadsAreDecoded()
    {
        await using var server = await StartAsync();
        var text = await ExchangeAsync(server,
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nTrailer: x\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK", text);
        Assert.EndsWith("\r\n\r\nhello world", text);
        using var http = new HttpClient { Timeout = Patience };
        var big = new byte[300_000];
        new Random(1).NextBytes(big);
        using var content = new StreamContent(new MemoryStream(big)); // no length: HttpClient sends it chunked
        using var response = await http.PostAsync($"http://{server.LocalEndPoint}/echo", content);
        Assert.Equal(big, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("zz\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5\r\nhelloXX0\r\n\r\n")]
    [InlineData("ffffffffffff\r\n")]
    [InlineData("5\nhello\r\n0\r\n\r\n")]
    public async Task AMalformedChunkedBodyIs400AndCloses(string body)
    {
        await using var server = await StartAsync();
        var text = await ExchangeAsync(server, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
        Assert.StartsWith("HTTP/1.1 400 Bad Request", text);
        Assert.Contains("Connection: close", text);
        Assert.Contains("chunk", text);
    }

    [Fact]
    public async Task AContinueIsSentOnlyWhenTheEndpointReadsTheBody()
    {
        await using var server = await StartAsync();
        using var client = new TcpClient();
        await client.ConnectAsync(server.LocalEndPoint!);
        var stream = client.GetStream();
        await stream.WriteAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"u8.ToArray());
        var buffer = new byte[100];
        var n = await stream.ReadAsync(buffer).AsTask().WaitAsync(Patience);
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", Encoding.ASCII.GetString(buffer, 0, n));
        await stream.WriteAsync("abc"u8.ToArray());
        var rest = await ReadToCloseAsync(stream);
        Assert.StartsWith("HTTP/1.1 200 OK", rest);
        Assert.EndsWith("abc", rest);

        // Refused without reading: no 100, the answer, and the connection closed (the body is never sent).
        var refused = await ExchangeAsync(server, "POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 3000000\r\nExpect: 100-continue\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 413", refused);
        Assert.DoesNotContain("100 Continue", refused);
        Assert.Contains("Connection: close", refused);
    }

    [Fact]
    public async Task ABodyOverTheLimitIs413()
    {
        await using var server = await StartAsync(o => o with { MaxBodyBytes = 1000 });
        var declared = await ExchangeAsync(server, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 413 Payload Too Large", declared);
        var chunked = await ExchangeAsync(server, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" + new string('a', 1000) + "\r\n1\r\nb\r\n0\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 413 Payload Too Large", chunked);
        var exact = await ExchangeAsync(server, "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 1000\r\n\r\n" + new string('a', 1000));
        Assert.StartsWith("HTTP/1.1 200 OK", exact);
    }

    [Theory]
    [InlineData("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400)]
    [InlineData("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n", 400)]
    [InlineData("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n", 400)]
    [InlineData("GET / HTTP/3\r\n\r\n", 505)]
    [InlineData("garbage\r\n\r\n", 400)]
    public async Task HostileHeadsGetAStatusAndAClosedConnection(string request, int status)
    {
        await using var server = await StartAsync();
        var text = await ExchangeAsync(server, request);
        Assert.StartsWith($"HTTP/1.1 {status} ", text);
        Assert.Contains("Connection: close", text);
        Assert.DoesNotContain("Host header", text);
    }

    [Theory]
    [InlineData("GET /hello HTTP/1.1\r\n\r\n", "missing Host header (HTTP/1.1 requires one)")]
    [InlineData("GET /hello HTTP/1.1\r\nHost: x\r\nHost: x\r\n\r\n", "more than one Host header")]
    [InlineData("GET /hello HTTP/1.1\r\nHost: x y\r\n\r\n", "invalid Host header: the host name may have only letters, digits, %-escapes and -._~!$&'()*+,;=")]
    [InlineData("GET /hello HTTP/1.1\r\nHost: user@x\r\n\r\n", "invalid Host header: user information ('@') is not allowed")]
    [InlineData("GET /hello HTTP/1.1\r\nHost: x:99999x\r\n\r\n", "invalid Host header: the port must be digits")]
    public async Task ARequestWithoutOneValidHostIs400WithTheReason(string request, string reason)
    {
        await using var server = await StartAsync();
        var text = await ExchangeAsync(server, request);
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", text);
        Assert.Contains("Content-Type: text/plain; charset=utf-8\r\n", text);
        Assert.Contains("Connection: close\r\n", text);
        Assert.EndsWith("\r\n\r\n" + reason + "\n", text);
    }

    [Fact]
    public async Task ValidHostsAndHttp10WithoutHostAreServed()
    {
        await using var server = await StartAsync();
        Assert.EndsWith("\r\n\r\nitem 1", await ExchangeAsync(server, "GET /items/1 HTTP/1.0\r\n\r\n"));
        foreach (var host in new[] { "master-1.home.arpa", "m:5050", "127.0.0.1:5050", "[::1]:5050" })
        {
            var text = await ExchangeAsync(server, $"GET /items/2 HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 200 OK", text);
            Assert.EndsWith("item 2", text);
        }
    }

    [Fact]
    public async Task OversizedHeadsGet414And431()
    {
        await using var server = await StartAsync();
        Assert.StartsWith("HTTP/1.1 414", await ExchangeAsync(server, "GET /" + new string('a', 9000) + " HTTP/1.1\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 431", await ExchangeAsync(server, "GET / HTTP/1.1\r\n" + string.Concat(Enumerable.Range(0, 101).Select(i => $"X-{i}: v\r\n")) + "\r\n"));
        Assert.StartsWith("HTTP/1.1 431", await ExchangeAsync(server, "GET / HTTP/1.1\r\nX: " + new string('a', 40_000) + "\r\n\r\n"));
    }

    [Fact]
    public async Task ASlowHeadIsCutOffAndAnIdleConnectionClosed()
    {
        await using var server = await StartAsync(o => o with { HeadersTimeout = TimeSpan.FromMilliseconds(300), KeepAliveTimeout = TimeSpan.FromMilliseconds(300) });
        var slow = await ExchangeAsync(server, "GET /hello HTTP/1.1\r\nX-Slow: ");
        Assert.StartsWith("HTTP/1.1 408", slow);
        Assert.Equal("", await ExchangeAsync(server)); // silent: closed without an answer
        var idleAfterOne = await ExchangeAsync(server, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", idleAfterOne);
    }

    [Fact]
    public async Task AnExceptionIs500AndTheServerGoesOn()
    {
        await using var server = await StartAsync();
        Assert.StartsWith("HTTP/1.1 500", await ExchangeAsync(server, "GET /throw HTTP/1.1\r\nHost: x\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 200", await ExchangeAsync(server, "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    }

    [Fact]
    public async Task AClientLeavingAbortsItsRequest()
    {
        await using var server = await StartAsync();
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(server.LocalEndPoint!);
            await client.GetStream().WriteAsync("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            var buffer = new byte[1];
            // Nothing comes back while the endpoint waits; then the client goes away.
            Assert.False(client.GetStream().ReadAsync(buffer).AsTask().Wait(100));
        }
        await Aborted.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task AStreamCutOffByTheServerStoppingIsResetNotEnded()
    {
        var server = await StartAsync();
        using var client = new TcpClient();
        await client.ConnectAsync(server.LocalEndPoint!);
        var stream = client.GetStream();
        await stream.WriteAsync("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        var buffer = new byte[4096];
        var n = await stream.ReadAsync(buffer).AsTask().WaitAsync(Patience);
        Assert.Contains("Transfer-Encoding: chunked", Encoding.ASCII.GetString(buffer, 0, n));
        await server.DisposeAsync();
        var ex = await Record.ExceptionAsync(async () =>
        {
            while (await stream.ReadAsync(buffer).AsTask().WaitAsync(Patience) > 0) { }
        });
        Assert.IsType<IOException>(ex);
    }

    [Fact]
    public async Task ConcurrentConnectionsAreServedAtOnce()
    {
        await using var server = await StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { Timeout = Patience };
        var answers = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => http.GetStringAsync($"http://{server.LocalEndPoint}/items/{i}")));
        Assert.Equal(Enumerable.Range(0, 64).Select(i => $"item {i}"), answers);
    }

    [Fact]
    public async Task TlsServesHttp11AndRefusesPlainText()
    {
        var certificate = new ServerCertificate("test", ["127.0.0.1"], TimeSpan.FromHours(1), TimeProvider.System);
        await using var server = await StartAsync(tls: certificate);
        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } }) { Timeout = Patience };
        Assert.Equal("item 1", await http.GetStringAsync($"https://{server.LocalEndPoint}/items/1"));

        using var client = new TcpClient();
        await client.ConnectAsync(server.LocalEndPoint!);
        await using var ssl = new SslStream(client.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            EnabledSslProtocols = SslProtocols.Tls12,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }).WaitAsync(Patience);
        Assert.Equal(SslApplicationProtocol.Http11, ssl.NegotiatedApplicationProtocol);
        await ssl.WriteAsync("GET /items/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());
        Assert.EndsWith("item 2", await ReadToCloseAsync(ssl));

        // Plain HTTP on the TLS port fails at once instead of hanging.
        using var plain = new HttpClient { Timeout = Patience };
        await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync($"http://{server.LocalEndPoint}/items/1"));
    }
}
