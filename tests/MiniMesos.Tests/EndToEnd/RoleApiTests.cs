using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>Role weights through a real master: GET/PUT /v1/roles, its refusals, read-only tokens, the CLI, and offers that follow the weights.</summary>
[Trait("Category", "Slow")]
public sealed class RoleApiTests
{
    private static readonly string ReadToken = ClusterSecret.Generate();

    private static HttpClient Http(InProcessCluster cluster, string token)
    {
        var http = new HttpClient(TestTls.Handler()) { BaseAddress = new Uri($"https://{cluster.Api}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task WeightsAreSetListedAndBadInputIsRefusedNamingTheField()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0, readTokens: [ReadToken]);
        using var admin = Http(cluster, cluster.Secret.Token);
        using var reader = Http(cluster, ReadToken);
        await using var framework = await FrameworkClient.SubscribeAsync(cluster, "batch-fw", 60, role: "batch");

        var put = await admin.PutAsync("/v1/roles/prod", Json("""{"weight":2.5}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var view = JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("prod", 2.5), (view.GetProperty("name").GetString(), view.GetProperty("weight").GetDouble()));
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/v1/roles/%2A", Json("""{"weight":0.5}"""))).StatusCode);

        var roles = JsonDocument.Parse(await reader.GetStringAsync("/v1/roles")).RootElement.GetProperty("roles").EnumerateArray()
            .ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal(["*", "batch", "prod"], roles.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0.5, roles["*"].GetProperty("weight").GetDouble());
        Assert.Equal(1.0, roles["batch"].GetProperty("weight").GetDouble());
        Assert.Equal([framework.FrameworkId], roles["batch"].GetProperty("frameworks").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(0, roles["prod"].GetProperty("share").GetDouble());
        Assert.Equal(2.5, cluster.Master.Service.RoleViews().Roles.Single(r => r.Name == "prod").Weight);

        foreach (var (path, body, field) in new[]
        {
            ("/v1/roles/prod", """{"weight":0}""", "weight"),
            ("/v1/roles/prod", """{"weight":1001}""", "weight"),
            ("/v1/roles/prod", """{"weight":"NaN"}""", "weight"),
            ("/v1/roles/prod", """{"wieght":2}""", "wieght"),
            ("/v1/roles/prod", """not json""", ""),
            ("/v1/roles/two%20words", """{"weight":2}""", "role"),
        })
        {
            var refused = await admin.PutAsync(path, Json(body));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(field, error.GetProperty("field").GetString());
            Assert.False(string.IsNullOrEmpty(error.GetProperty("reason").GetString()), body);
        }
        var forbidden = await reader.PutAsync("/v1/roles/prod", Json("""{"weight":9}"""));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("read-only token", await forbidden.Content.ReadAsStringAsync());
        Assert.Equal(2.5, cluster.Master.Service.RoleViews().Roles.Single(r => r.Name == "prod").Weight);
    }

    [Fact]
    public async Task TheCliListsAndSetsWeightsAndRefusesBadOnesWithExitCode2()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        var env = new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = cluster.Secret.Token, ["MINIMESOS_MASTER"] = $"127.0.0.1:{cluster.Api.Port}" };
        var (code, stdout, stderr) = await CliProcess.RunAsync(["role", "weight", "prod", "3"], env);
        Assert.True(code == 0, stderr);
        Assert.Equal("role prod: weight 3\n", stdout);
        (code, stdout, stderr) = await CliProcess.RunAsync(["role", "list"], env);
        Assert.True(code == 0, stderr);
        Assert.Matches(@"(?m)^prod\s+3\s+0\s+0\s+-$", stdout);
        Assert.Matches(@"(?m)^\*\s+1\s", stdout);
        (code, stdout, stderr) = await CliProcess.RunAsync(["role", "list", "--json"], env);
        Assert.True(code == 0, stderr);
        Assert.Equal(3, JsonDocument.Parse(stdout).RootElement.GetProperty("roles").EnumerateArray()
            .Single(r => r.GetProperty("name").GetString() == "prod").GetProperty("weight").GetDouble());

        (code, _, stderr) = await CliProcess.RunAsync(["role", "weight", "prod", "-1"], env);
        Assert.Equal(2, code);
        Assert.Contains("WEIGHT: '-1' must be a number greater than 0", stderr);
        (code, _, stderr) = await CliProcess.RunAsync(["role", "weight", "a b", "2"], env);
        Assert.Equal(2, code);
        Assert.Contains("ROLE: 'a b'", stderr);
        Assert.Equal(3, cluster.Master.Service.RoleViews().Roles.Single(r => r.Name == "prod").Weight);

        (code, stdout, _) = await CliProcess.RunAsync(["completion", "bash"], env);
        Assert.Equal(0, code);
        Assert.Contains("\" role\") echo \"list weight", stdout);
        (code, stdout, _) = await CliProcess.RunAsync(["--help"], env);
        Assert.Contains("role", stdout);
    }

    [Fact]
    public async Task AHigherWeightGetsItsRoleMoreOffers()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        using var admin = Http(cluster, cluster.Secret.Token);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/v1/roles/prod", Json("""{"weight":3}"""))).StatusCode);
        await using var prod = await FrameworkClient.SubscribeAsync(cluster, "prod-fw", 60, role: "prod");
        await using var dev = await FrameworkClient.SubscribeAsync(cluster, "dev-fw", 60, role: "dev");
        for (var i = 0; i < 4; i++) await cluster.StartAgentAsync($"agent{i}", cluster.Secret, "test");
        Assert.Equal((3, 1), await CountOffersAsync(prod, dev, 4));
    }

    /// <summary>
    /// Holds every offer (so shares stay charged) until <paramref name="agents"/> distinct agents were offered, then
    /// counts the agents each framework got. Equal agents offered one at a time by weighted DRF go 3:1 for weights 3:1
    /// (2:2 for equal weights) whatever rounds they arrive in.
    /// </summary>
    internal static async Task<(int First, int Second)> CountOffersAsync(FrameworkClient first, FrameworkClient second, int agents)
    {
        var got = new Dictionary<FrameworkClient, HashSet<string>> { [first] = [], [second] = [] };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var pending = got.Keys.ToDictionary(f => f, f => f.NextAsync<FwOffers>(seconds: 30));
        while (got.Values.Sum(s => s.Count) < agents && DateTime.UtcNow < deadline)
        {
            var done = await Task.WhenAny(pending.Values);
            var owner = pending.Single(p => p.Value == done).Key;
            foreach (var offer in (await done).Offers) got[owner].Add(offer.AgentId);
            pending[owner] = owner.NextAsync<FwOffers>(seconds: 30);
        }
        Assert.Empty(got[first].Intersect(got[second]));
        return (got[first].Count, got[second].Count);
    }
}
