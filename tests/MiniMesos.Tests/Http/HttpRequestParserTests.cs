using System.Text;
using MiniMesos.Core.Http;
using Xunit;

namespace MiniMesos.Tests.Http;

/// <summary>The API server's request-head parser (pure): what it accepts, and every malformed head it refuses with a status.</summary>
public sealed class HttpRequestParserTests
{
    private static readonly HttpLimits Limits = new();

    private static (HttpRequestParser.Result Result, HttpRequestHead? Head, int Consumed, HttpParseError? Error) Parse(string text, HttpLimits? limits = null)
    {
        var result = HttpRequestParser.TryParse(Encoding.Latin1.GetBytes(text), limits ?? Limits, out var head, out var consumed, out var error);
        return (result, head, consumed, error);
    }

    [Fact]
    public void AWholeHeadIsParsedAndTheRestLeftForTheBody()
    {
        var (result, head, consumed, _) = Parse("POST /v2/apps/a%20b/c?force=true&x=1+2 HTTP/1.1\r\nHost: m1\r\nContent-Length: 5\r\nX-A: 1\r\nx-a:  2 \r\n\r\nhello");
        Assert.Equal(HttpRequestParser.Result.Complete, result);
        Assert.Equal("POST", head!.Method);
        Assert.Equal("/v2/apps/a b/c", head.Path);
        Assert.Equal("?force=true&x=1+2", head.QueryString);
        Assert.Equal(5, head.ContentLength);
        Assert.False(head.Chunked);
        Assert.Equal("1, 2", head.Header("x-A"));
        Assert.True(head.KeepAlive);
        Assert.Equal("hello".Length, Encoding.ASCII.GetByteCount("POST /v2/apps/a%20b/c?force=true&x=1+2 HTTP/1.1\r\nHost: m1\r\nContent-Length: 5\r\nX-A: 1\r\nx-a:  2 \r\n\r\nhello") - consumed);
        Assert.Equal(["1 2"], HttpTarget.TryParseQuery(head.QueryString)!["x"]);
    }

    [Fact]
    public void AnEncodedSlashStaysEncodedAndDotSegmentsAreRemoved()
    {
        Assert.Equal("/v2/apps/a%2Fb", Parse("GET /v2/apps/a%2fb HTTP/1.1\r\nHost: m\r\n\r\n").Head!.Path);
        Assert.Equal("/v1/tasks", Parse("GET /health/../v1/./tasks HTTP/1.1\r\nHost: m\r\n\r\n").Head!.Path);
        // The path as received is kept for forwarding: a decoded '?' must not become the start of a query.
        var escaped = Parse("GET /v1/tasks/a%3Fb%20c?x=1 HTTP/1.1\r\nHost: m\r\n\r\n").Head!;
        Assert.Equal(("/v1/tasks/a?b c", "/v1/tasks/a%3Fb%20c", "?x=1"), (escaped.Path, escaped.RawPath, escaped.QueryString));
        Assert.Equal("/", Parse("GET /../../ HTTP/1.1\r\nHost: m\r\n\r\n").Head!.Path);
    }

    [Theory]
    [InlineData("GET / HTTP/1.0\r\n\r\n", false, false)]
    [InlineData("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true, false)]
    [InlineData("GET / HTTP/1.1\r\nHost: m\r\nConnection: close\r\n\r\n", false, false)]
    [InlineData("POST / HTTP/1.1\r\nHost: m\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n", true, true)]
    public void ConnectionAndExpectAreRead(string text, bool keepAlive, bool expectsContinue)
    {
        var head = Parse(text).Head!;
        Assert.Equal(keepAlive, head.KeepAlive);
        Assert.Equal(expectsContinue, head.ExpectsContinue);
    }

    [Theory]
    [InlineData("")]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n")]
    [InlineData("GET /v1/tas")]
    public void AnIncompleteHeadNeedsMore(string text) => Assert.Equal(HttpRequestParser.Result.NeedMore, Parse(text).Result);

    [Theory]
    [InlineData("GET / HTTP/1.1\n\n", 400)] // bare LF
    [InlineData("GET / HTTP/1.1\r\nHost: a\n\r\n", 400)]
    [InlineData("GET /\r\n\r\n", 400)]
    [InlineData("GET  / HTTP/1.1\r\nHost: m\r\n\r\n", 400)]
    [InlineData("G(T / HTTP/1.1\r\nHost: m\r\n\r\n", 400)]
    [InlineData("GET v1/tasks HTTP/1.1\r\nHost: m\r\n\r\n", 400)]
    [InlineData("GET http://x/ HTTP/1.1\r\nHost: m\r\n\r\n", 400)]
    [InlineData("GET / HTTP/2.0\r\n\r\n", 505)]
    [InlineData("GET / FTP/1.1\r\n\r\n", 400)]
    [InlineData("GET /a%zz HTTP/1.1\r\nHost: m\r\n\r\n", 400)]
    [InlineData("GET /a%2 HTTP/1.1\r\nHost: m\r\n\r\n", 400)]
    [InlineData("GET /a%00b HTTP/1.1\r\nHost: m\r\n\r\n", 400)]
    [InlineData("GET /a%ff HTTP/1.1\r\nHost: m\r\n\r\n", 400)] // not UTF-8
    [InlineData("GET /?a=%zz HTTP/1.1\r\nHost: m\r\n\r\n", 400)]
    [InlineData("GET /#x HTTP/1.1\r\nHost: m\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: m\r\nNoColon\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: m\r\n: empty\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: m\r\nBad Name: x\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: m\r\nName : x\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: m\r\nA: b\r\n folded\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: m\r\nA: b\0c\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: m\r\nA: b\rc\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: m\r\nA: b\x7f\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: m\r\nContent-Length: -1\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: m\r\nContent-Length: +1\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: m\r\nContent-Length: 1 2\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: m\r\nContent-Length: \r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: m\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: m\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: m\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: m\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501)]
    [InlineData("POST / HTTP/1.1\r\nHost: m\r\nTransfer-Encoding: identity\r\n\r\n", 501)]
    public void AMalformedHeadIsRefusedWithAStatusAndAReason(string text, int status)
    {
        var (result, _, _, error) = Parse(text);
        Assert.Equal(HttpRequestParser.Result.Invalid, result);
        Assert.Equal(status, error!.Status);
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
        Assert.DoesNotContain("Host", error.Reason); // refused for what the case is about, not a missing Host
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n\r\n", "missing Host header (HTTP/1.1 requires one)")]
    [InlineData("GET / HTTP/1.1\r\nX-Host: m\r\n\r\n", "missing Host header (HTTP/1.1 requires one)")]
    [InlineData("GET / HTTP/1.1\r\nHost: m\r\nhost: m\r\n\r\n", "more than one Host header")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\nHOST: b:80\r\n\r\n", "more than one Host header")]
    [InlineData("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", "more than one Host header")]
    [InlineData("GET / HTTP/1.0\r\nHost: a b\r\n\r\n", "invalid Host header: the host name may have only letters, digits, %-escapes and -._~!$&'()*+,;=")]
    public void HostIsRequiredInHttp11AndNeverGivenTwice(string text, string reason)
    {
        var (result, _, _, error) = Parse(text);
        Assert.Equal(HttpRequestParser.Result.Invalid, result);
        Assert.Equal((400, reason), (error!.Status, error.Reason));
    }

    [Theory]
    [InlineData("", "the value is empty")]
    [InlineData("   ", "the value is empty")]
    [InlineData("a b", "may have only")]
    [InlineData("a\tb", "may have only")]
    [InlineData("a/b", "may have only")]
    [InlineData("a?b", "may have only")]
    [InlineData("m\u00e9", "may have only")] // not ASCII
    [InlineData("a%zz", "'%'")]
    [InlineData("a%4", "'%'")]
    [InlineData("user@m", "'@'")]
    [InlineData("user:pw@m:5050", "'@'")]
    [InlineData("a:99999x", "the port must be digits")]
    [InlineData("a:-1", "the port must be digits")]
    [InlineData("a:80:81", "the port must be digits")]
    [InlineData("a: 80", "the port must be digits")]
    [InlineData("a:65536", "the port must be at most 65535")]
    [InlineData("a:123456", "the port must be at most 65535")]
    [InlineData(":5050", "the host name is empty")]
    [InlineData("[::1", "']'")]
    [InlineData("[::1]x", "only ':' and a port")]
    [InlineData("[::1]:x", "the port must be digits")]
    [InlineData("[zz::1]", "not an IPv6 address")]
    [InlineData("[::1%eth0]", "not an IPv6 address")]
    [InlineData("[1.2.3.4]", "not an IPv6 address")]
    [InlineData("[]", "not an IPv6 address")]
    [InlineData("[v1.x]", "not an IPv6 address")]
    public void AnInvalidHostIs400NamingTheReason(string host, string fragment)
    {
        var (result, _, _, error) = Parse($"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n");
        Assert.Equal(HttpRequestParser.Result.Invalid, result);
        Assert.Equal(400, error!.Status);
        Assert.StartsWith("invalid Host header: ", error.Reason);
        Assert.Contains(fragment, error.Reason);
    }

    [Theory]
    [InlineData("a\u0001b")]
    [InlineData("a\u007fb")]
    [InlineData("a\rb")]
    public void AHostWithAControlCharacterIs400(string host)
    {
        var (result, _, _, error) = Parse($"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n");
        Assert.Equal((HttpRequestParser.Result.Invalid, 400), (result, error!.Status));
    }

    [Theory]
    [InlineData("m")]
    [InlineData("m:5050")]
    [InlineData("  m:5050 ")]
    [InlineData("Master-1.Home.Arpa.")]
    [InlineData("127.0.0.1:5050")]
    [InlineData("[::1]:5050")]
    [InlineData("[::1]")]
    [InlineData("[2001:db8::ffff:192.0.2.1]:65535")]
    [InlineData("m:0")]
    [InlineData("m:")] // RFC 3986: an empty port is the same as none
    [InlineData("a%41_b~c")]
    [InlineData("xn--bcher-kva.example:443")]
    public void AValidHostIsAccepted(string host)
    {
        var (result, head, _, error) = Parse($"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n");
        Assert.Null(error);
        Assert.Equal(HttpRequestParser.Result.Complete, result);
        Assert.Equal(host.Trim(), head!.Header("host"));
    }

    [Fact]
    public void Http10NeedsNoHost()
    {
        var (result, head, _, _) = Parse("GET /health HTTP/1.0\r\n\r\n");
        Assert.Equal(HttpRequestParser.Result.Complete, result);
        Assert.Null(head!.Header("Host"));
        Assert.Equal(HttpRequestParser.Result.Complete, Parse("GET /health HTTP/1.0\r\nHost: m:5050\r\n\r\n").Result);
    }

    [Fact]
    public void TheSameContentLengthTwiceIsAccepted() =>
        Assert.Equal(3, Parse("POST / HTTP/1.1\r\nHost: m\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\n").Head!.ContentLength);

    [Fact]
    public void OversizedHeadsAreRefusedEvenBeforeTheyEnd()
    {
        var small = new HttpLimits { MaxRequestLineBytes = 64, MaxHeaderBytes = 128, MaxHeaders = 3 };
        Assert.Equal(414, Parse("GET /" + new string('a', 100), small).Error!.Status);
        Assert.Equal(414, Parse("GET /" + new string('a', 100) + " HTTP/1.1\r\n\r\n", small).Error!.Status);
        Assert.Equal(431, Parse("GET / HTTP/1.1\r\nA: " + new string('a', 200), small).Error!.Status);
        Assert.Equal(431, Parse("GET / HTTP/1.1\r\nHost: m\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", small).Error!.Status);
        Assert.Equal(HttpRequestParser.Result.Complete, Parse("GET / HTTP/1.1\r\nHost: m\r\nB: 2\r\nC: 3\r\n\r\n", small).Result);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1a", 26L)]
    [InlineData("FF;name=value", 255L)]
    [InlineData("10 ", 16L)]
    [InlineData("", null)]
    [InlineData("-1", null)]
    [InlineData("0x10", null)]
    [InlineData("fffffffffffffffff", null)]
    [InlineData("ffffffffff", null)] // 1 TiB: absurd
    [InlineData("100000000", 4294967296L)]
    [InlineData("g", null)]
    public void ChunkSizeLines(string line, long? size) => Assert.Equal(size, HttpChunkHeader.TryParseSize(line));

    /// <summary>Random and mutated heads, a bounded number: the parser answers each without throwing.</summary>
    [Fact]
    public void RandomAndMutatedHeadsNeverThrow()
    {
        var random = new Random(14);
        var seeds = new[]
        {
            "GET /v1/tasks?x=%41 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer t\r\n\r\n",
            "POST /v2/apps HTTP/1.1\r\nHost: m:5050\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n0123456789",
            "PUT /v1/roles/a%2Fb HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
            "DELETE /v2/apps/x HTTP/1.1\r\nHost: [::1]:5050\r\n\r\n",
        };
        byte[] alphabet = [.. "\r\n :%/?#&=+aZ0-,;\t@[]"u8, 0, 0x7f, 0xff];
        var small = new HttpLimits { MaxRequestLineBytes = 256, MaxHeaderBytes = 512, MaxHeaders = 8 };
        var complete = 0;
        var hostRefused = 0;
        for (var i = 0; i < 20_000; i++)
        {
            byte[] bytes;
            if (i % 4 == 0)
            {
                bytes = new byte[random.Next(0, 300)];
                for (var j = 0; j < bytes.Length; j++) bytes[j] = random.Next(3) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            }
            else
            {
                bytes = Encoding.Latin1.GetBytes(seeds[random.Next(seeds.Length)]);
                for (var m = random.Next(1, 6); m > 0; m--)
                {
                    var at = random.Next(bytes.Length);
                    switch (random.Next(3))
                    {
                        case 0: bytes[at] = alphabet[random.Next(alphabet.Length)]; break;
                        case 1: bytes = [.. bytes[..at], .. bytes[(at + 1)..]]; break;
                        default: bytes = [.. bytes[..at], (byte)random.Next(256), .. bytes[at..]]; break;
                    }
                }
            }
            var result = HttpRequestParser.TryParse(bytes, i % 2 == 0 ? Limits : small, out var head, out var consumed, out var error);
            Assert.True(result != HttpRequestParser.Result.Invalid || error is { Status: >= 400 and < 600 });
            Assert.True(result != HttpRequestParser.Result.Complete || head is not null && consumed <= bytes.Length);
            if (error?.Reason.Contains("Host header", StringComparison.Ordinal) == true) hostRefused++;
            if (head is null) continue;
            complete++;
            _ = HttpTarget.TryParseQuery(head.QueryString);
            // Whatever was accepted has at most one Host, a valid one, and HTTP/1.1 has one.
            var hosts = head.Headers.Where(h => h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.True(hosts.Count == 1 && HttpHost.Problem(hosts[0].Value) is null || hosts.Count == 0 && head.Http10);
        }
        // The mutations still reach the end of the parser, not only its first refusals, and its Host checks.
        Assert.InRange(complete, 1_000, 20_000);
        Assert.InRange(hostRefused, 100, 20_000);
    }
}
