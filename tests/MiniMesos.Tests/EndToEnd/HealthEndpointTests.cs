using System.Net;
using System.Text.Json;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>/health without a token: on a leader and on a follower of a real 3-master cluster.</summary>
[Trait("Category", "Slow")]
public sealed class HealthEndpointTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string baseUrl, string path)
    {
        using var http = new HttpClient(TestTls.Handler()) { BaseAddress = new Uri(baseUrl) };
        using var response = await http.GetAsync(path);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task ALeaderAnswersOkWithItsRoleAndBadQueriesGet400()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        var url = $"https://{cluster.Api}";
        await Eventually.TrueAsync(() => cluster.Master.Service.IsLeader, "the master leads", TimeSpan.FromSeconds(20));
        var (status, body) = await GetAsync(url, "/health?leader=required");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal("leader", body.GetProperty("role").GetString());
        Assert.Equal(body.GetProperty("id").GetUInt64(), body.GetProperty("leader").GetUInt64());
        var (bad, error) = await GetAsync(url, "/health?leader=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal("leader", error.GetProperty("field").GetString());
    }
}
