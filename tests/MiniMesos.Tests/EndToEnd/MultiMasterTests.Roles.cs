using System.Text.Json;
using MiniMesos.Net.Hosts;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>Role weights across masters: set through a follower, kept by the next leader, whose allocator offers by them.</summary>
public sealed partial class MultiMasterTests
{
    [Fact]
    public async Task ARoleWeightSurvivesLeaderFailoverAndTheNewLeaderOffersByIt()
    {
        var leader = await LeaderAsync(_trio.Masters);
        var follower = _trio.Masters.First(m => m != leader);
        using (var client = follower.Client())
        {
            var (status, body) = await client.SendAsync(HttpMethod.Put, "/v1/roles/prod", """{"weight":3}""", CancellationToken.None);
            Assert.True(status == 200, body);
        }
        await leader.StopAsync();
        var next = await LeaderAsync(_trio.Masters.Where(m => m != leader).ToList());
        using (var client = next.Client())
        {
            var roles = JsonDocument.Parse(await client.GetJsonAsync("/v1/roles", CancellationToken.None)).RootElement.GetProperty("roles");
            Assert.Equal(3, roles.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "prod").GetProperty("weight").GetDouble());
        }

        // The cluster's agent first finds the new leader (a reconnect during the count would move its offer).
        await Eventually.TrueAsync(() => next.Host.Service.Agents().Any(a => a.Connected), "the agent is connected to the new leader", Patience);
        // The new leader's allocator has the weight: with the cluster's agent and three more of the same size, prod gets 3 of 4.
        await using var prod = await FrameworkClient.SubscribeAsync(ClusterPort(next), _trio.Secret, "prod-fw", 60, role: "prod");
        await using var dev = await FrameworkClient.SubscribeAsync(ClusterPort(next), _trio.Secret, "dev-fw", 60, role: "dev");
        var clusterPorts = _trio.Masters.Where(m => m != leader).Select(m => ("127.0.0.1", ClusterPort(m))).ToList();
        for (var i = 0; i < 3; i++) await _trio.StartAgentAsync(clusterPorts, $"role-agent{i}");
        Assert.Equal((3, 1), await RoleApiTests.CountOffersAsync(prod, dev, 4));
        Assert.Equal(3, next.Host.Service.RoleViews().Roles.Single(r => r.Name == "prod").Weight);
    }
}
