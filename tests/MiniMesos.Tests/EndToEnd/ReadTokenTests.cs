using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>Read-only API tokens against a real master: reads and streams pass, writes get 403, the handshake refuses them.</summary>
[Trait("Category", "Slow")]
public sealed class ReadTokenTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly string ReadToken = ClusterSecret.Generate();

    private static HttpClient Http(InProcessCluster cluster, string? token)
    {
        var http = new HttpClient(TestTls.Handler()) { BaseAddress = new Uri($"https://{cluster.Api}") };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task ABackupNeedsTheAdminToken()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0, readTokens: [ReadToken]);
        using var admin = Http(cluster, cluster.Secret.Token);
        using var reader = Http(cluster, ReadToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/v1/snapshot")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/v1/snapshot/restore", new ByteArrayContent([1, 2, 3]))).StatusCode);
        using var saved = await admin.GetAsync("/v1/snapshot");
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var header = MiniMesos.Net.Backup.SnapshotFile.ReadHeader(await saved.Content.ReadAsByteArrayAsync());
        Assert.Equal("test", header.Cluster);
        // A body that is no snapshot is refused with the reason, as bad input.
        using var bad = await admin.PostAsync("/v1/snapshot/restore", new ByteArrayContent([1, 2, 3]));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("not a minimesos snapshot", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AReadOnlyTokenReadsAndStreamsButEveryWriteGets403()
    {
        await using var cluster = await InProcessCluster.StartAsync(readTokens: [ReadToken]);
        using var admin = Http(cluster, cluster.Secret.Token);
        using var reader = Http(cluster, ReadToken);
        var submitted = await admin.PostAsync("/v1/tasks", Json("""{"cmd":"echo seen-by-reader","cpus":0.1,"mem":32}"""));
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        using var created = System.Text.Json.JsonDocument.Parse(await submitted.Content.ReadAsStringAsync());
        var id = created.RootElement.GetProperty("id").GetString()!;

        foreach (var path in new[] { "/v1/tasks", $"/v1/tasks/{id}", "/v1/agents", "/v1/status", "/v1/masters", "/metrics", "/v2/apps", "/v2/info" })
            Assert.True((await reader.GetAsync(path)).IsSuccessStatusCode, $"GET {path} with the read-only token");
        var log = await reader.GetStringAsync($"/v1/tasks/{id}/logs/stdout?follow=true").WaitAsync(Patience);
        Assert.Equal("seen-by-reader\n", log);
        using (var events = await reader.GetAsync("/v1/events?since=0", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, events.StatusCode);
            using var lines = new StreamReader(await events.Content.ReadAsStreamAsync());
            Assert.Contains("\"seq\"", await lines.ReadLineAsync().WaitAsync(Patience));
        }

        var writes = new (HttpMethod Method, string Path, string? Body)[]
        {
            (HttpMethod.Post, "/v1/tasks", """{"cmd":"true"}"""),
            (HttpMethod.Post, $"/v1/tasks/{id}/kill", null),
            (HttpMethod.Post, "/v2/apps", """{"id":"/web","cmd":"sleep 100","cpus":0.1,"mem":32}"""),
            (HttpMethod.Delete, "/v2/apps/web", null),
            (HttpMethod.Delete, "/v1/masters/2", null),
        };
        foreach (var (method, path, body) in writes)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Json(body) };
            var refused = await reader.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("read-only token", await refused.Content.ReadAsStringAsync());
        }
        Assert.Single(cluster.Master.Service.Tasks());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/v2/apps/web")).StatusCode);
    }

    [Fact]
    public async Task MissingOrWrongTokensStay401AndHealthStaysOpen()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0, readTokens: [ReadToken]);
        using var anonymous = Http(cluster, null);
        using var wrong = Http(cluster, ReadToken + "x");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/tasks")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/v1/tasks", Json("""{"cmd":"true"}"""))).StatusCode);
        var wrongRead = await wrong.GetAsync("/v1/tasks");
        Assert.Equal(HttpStatusCode.Unauthorized, wrongRead.StatusCode);
        Assert.Contains("wrong token", await wrongRead.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.PostAsync("/v1/tasks", Json("""{"cmd":"true"}"""))).StatusCode);
    }

    [Fact]
    public async Task AReadOnlyTokenIsNoClusterSecret()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0, readTokens: [ReadToken]);
        await cluster.StartAgentAsync("reader-agent", new ClusterSecret(ReadToken, "test"), "test", waitForRegistration: false);
        await Eventually.TrueAsync(() => cluster.Log.ToString().Contains("refused"), "the agent's handshake is refused", Patience);
        Assert.Empty(cluster.Master.Service.Agents());
    }

    [Fact]
    public void TheReadTokenFileIsCheckedLineByLine()
    {
        var admin = ClusterSecret.Generate();
        Assert.Equal([ReadToken], ReadTokens.Parse(["# readers", "", $"  {ReadToken}  "], "f", admin));
        Assert.Contains("line 2", Assert.Throws<ConfigException>(() => ReadTokens.Parse([ReadToken, "short"], "f", admin)).Message);
        Assert.Contains("admin token", Assert.Throws<ConfigException>(() => ReadTokens.Parse([admin], "f", admin)).Message);
        Assert.Contains("no token", Assert.Throws<ConfigException>(() => ReadTokens.Parse(["# none"], "f", admin)).Message);
    }
}
