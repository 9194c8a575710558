using System.Net;
using System.Text.Json;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>/health on the leader and the followers of the 3-master cluster, and on a master left without quorum.</summary>
public sealed partial class MultiMasterTests
{
    [Fact]
    public async Task HealthNamesEachMastersRoleAndTheLeaderAndSays503WithoutQuorumWhenALeaderIsRequired()
    {
        var leader = await LeaderAsync(_trio.Masters);
        using var http = new HttpClient(TestTls.Handler());
        foreach (var master in _trio.Masters)
        {
            var (status, body) = await HealthAsync(http, master, "");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("ok", body.GetProperty("status").GetString());
            Assert.Equal(master == leader ? "leader" : "follower", body.GetProperty("role").GetString());
            Assert.Equal(leader.Host.Raft.Id, body.GetProperty("leader").GetUInt64());
            Assert.Equal(HttpStatusCode.OK, (await HealthAsync(http, master, "?leader=required")).Status);
        }

        // Two of three stop: the last one cannot have a leader. Plain /health still answers 200 (it is alive).
        var last = _trio.Masters.First(m => m != leader);
        foreach (var master in _trio.Masters.Where(m => m != last)) await master.StopAsync();
        var required = await Eventually.MatchAsync(() => HealthAsync(http, last, "?leader=required"), r => r.Status == HttpStatusCode.ServiceUnavailable,
            "the last master answers 503 to leader=required", Patience, poll: TimeSpan.FromMilliseconds(100), describe: r => $"{r.Status} {r.Body}");
        Assert.Equal("no_leader", required.Body.GetProperty("status").GetString());
        Assert.False(required.Body.TryGetProperty("leader", out _));
        var (plain, body2) = await HealthAsync(http, last, "");
        Assert.Equal(HttpStatusCode.OK, plain);
        Assert.Equal("no_leader", body2.GetProperty("status").GetString());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(HttpClient http, RunningMaster master, string query)
    {
        using var response = await http.GetAsync($"https://127.0.0.1:{master.ApiPort}/health{query}");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
