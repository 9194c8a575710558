using System.Net;
using System.Text;
using System.Text.Json;
using MiniMesos.Net.Http.Ui;
using MiniMesos.Tests.EndToEnd;
using MiniMesos.Tests.Master.Simulation;
using Xunit;

namespace MiniMesos.Tests.Ui;

/// <summary>The web UI's login pieces: session tokens and one-time codes (unit, simulated clock), and over real HTTP.</summary>
[Trait("Category", "Slow")]
public sealed class UiLoginTests
{
    private const string ReadToken = "read-only-token-for-ui-tests";

    [Fact]
    public void ASessionTokenCarriesItsRoleAndStopsWorkingWhenItExpiresOrIsTamperedWith()
    {
        var clock = new SimClock();
        var sessions = new UiSessions("admin-token-1234567890", clock);
        var (admin, _) = sessions.Issue(admin: true);
        var (reader, _) = sessions.Issue(admin: false);
        Assert.True(sessions.Check(admin));
        Assert.False(sessions.Check(reader));
        Assert.Null(sessions.Check(reader.Replace("mmui1.r.", "mmui1.a.")));
        Assert.Null(sessions.Check(admin[..^2] + (admin[^2] == 'A' ? "BB" : "AA")));
        Assert.Null(new UiSessions("another-admin-token-123", clock).Check(admin));
        Assert.Null(sessions.Check("admin-token-1234567890"));
        clock.Advance((long)UiSessions.Lifetime.TotalMilliseconds - 1000);
        Assert.True(sessions.Check(admin));
        clock.Advance(1000);
        Assert.Null(sessions.Check(admin));
    }

    [Fact]
    public void ACodeWorksOnceAndOnlyWithinItsLifetime()
    {
        var clock = new SimClock();
        var codes = new UiLoginCodes(clock);
        var first = codes.Issue(admin: true)!.Value.Code;
        var second = codes.Issue(admin: false)!.Value.Code;
        Assert.Equal(true, codes.Redeem(first));
        Assert.Null(codes.Redeem(first));
        clock.Advance((long)UiLoginCodes.Lifetime.TotalMilliseconds);
        Assert.Null(codes.Redeem(second));
        for (var i = 0; i < UiLoginCodes.MaxOutstanding; i++) Assert.NotNull(codes.Issue(admin: true));
        Assert.Null(codes.Issue(admin: true));
        clock.Advance((long)UiLoginCodes.Lifetime.TotalMilliseconds);
        Assert.NotNull(codes.Issue(admin: true));
    }

    [Fact]
    public async Task TheUiIsServedWithItsHeadersAndACodeBuysOneSessionWithTheCallersRole()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0, readTokens: [ReadToken]);
        using var http = new HttpClient(MiniMesos.Tests.EndToEnd.TestTls.Handler(allowAutoRedirect: false)) { BaseAddress = new Uri($"https://127.0.0.1:{cluster.Api.Port}") };

        using (var page = await http.GetAsync("/ui/"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
            var csp = page.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("default-src 'self'", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("<script src=\"app.js\" defer></script>", html);
            Assert.DoesNotContain("<script>", html);
            Assert.DoesNotContain("http", html.Replace("http-equiv", ""));
        }
        foreach (var (path, type) in new[] { ("/ui/app.js", "text/javascript"), ("/ui/app.css", "text/css") })
        {
            using var asset = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(type, asset.Content.Headers.ContentType!.MediaType);
            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.TryAddWithoutValidation("If-None-Match", asset.Headers.ETag!.Tag);
            Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.MovedPermanently, (await http.GetAsync("/ui")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/ui/nope.js")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync("/ui/", null)).StatusCode);

        var adminCode = await CodeAsync(http, cluster.Secret.Token);
        var readCode = await CodeAsync(http, ReadToken);
        var (status, body) = await ExchangeAsync(http, adminCode);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("admin", body.GetProperty("role").GetString());
        var adminSession = body.GetProperty("token").GetString()!;
        (status, body) = await ExchangeAsync(http, adminCode);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("code", body.GetProperty("field").GetString());
        (status, body) = await ExchangeAsync(http, readCode);
        Assert.Equal("read-only", body.GetProperty("role").GetString());
        var readSession = body.GetProperty("token").GetString()!;

        Assert.Equal("admin", await WhoAsync(http, cluster.Secret.Token));
        Assert.Equal("admin", await WhoAsync(http, adminSession));
        Assert.Equal("read-only", await WhoAsync(http, ReadToken));
        Assert.Equal("read-only", await WhoAsync(http, readSession));
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, HttpMethod.Put, "/v1/roles/web", readSession, "{\"weight\":2}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, HttpMethod.Put, "/v1/roles/web", adminSession, "{\"weight\":2}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, HttpMethod.Get, "/v1/whoami", adminSession + "x", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/v1/ui/codes", null)).StatusCode);

        using var unknownField = await http.PostAsync("/v1/ui/session", new StringContent("{\"code\":\"x\",\"token\":\"y\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, unknownField.StatusCode);
        Assert.Contains("\"field\":\"token\"", await unknownField.Content.ReadAsStringAsync());
        using var notJson = await http.PostAsync("/v1/ui/session", new StringContent("code=x", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    [Fact]
    public async Task MinimesosUiPrintsAUrlWithTheCodeInTheFragment()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        var (code, stdout, stderr) = await CliProcess.RunAsync(["ui", "--master", $"127.0.0.1:{cluster.Api.Port}", "--token", cluster.Secret.Token]);
        Assert.True(code == 0, stderr);
        var url = stdout.Trim();
        Assert.StartsWith($"https://127.0.0.1:{cluster.Api.Port}/ui/#code=", url);
        using var http = new HttpClient(MiniMesos.Tests.EndToEnd.TestTls.Handler()) { BaseAddress = new Uri($"https://127.0.0.1:{cluster.Api.Port}") };
        Assert.Equal(HttpStatusCode.OK, (await ExchangeAsync(http, url[(url.IndexOf("#code=", StringComparison.Ordinal) + 6)..])).Status);
    }

    internal static async Task<string> CodeAsync(HttpClient http, string token)
    {
        using var response = await SendAsync(http, HttpMethod.Post, "/v1/ui/codes", token, null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString()!;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ExchangeAsync(HttpClient http, string code)
    {
        using var response = await http.PostAsync("/v1/ui/session", new StringContent(JsonSerializer.Serialize(new Dictionary<string, string> { ["code"] = code }), Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static async Task<string?> WhoAsync(HttpClient http, string token)
    {
        using var response = await SendAsync(http, HttpMethod.Get, "/v1/whoami", token, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("role").GetString();
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string token, string? json)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return http.SendAsync(request);
    }
}
