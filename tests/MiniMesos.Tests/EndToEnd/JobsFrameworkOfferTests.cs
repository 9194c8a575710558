using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// The jobs framework places attempts on the allocator's offers through a real master: while an external framework
/// holds the only agent's offer the attempt waits for offers (it is not placed over the held offer), and once the
/// offer is declined the attempt runs.
/// </summary>
public sealed class JobsFrameworkOfferTests
{
    [Fact]
    public async Task AnAttemptWaitsWhileAnExternalFrameworkHoldsTheOfferAndRunsOnceItIsDeclined()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        await using var external = await FrameworkClient.SubscribeAsync(lab.Cluster, "holder", 60);
        await lab.Cluster.StartAgentAsync("agent1", lab.Cluster.Secret, "test", hostname: "pi1");
        var held = Assert.Single((await external.NextAsync<FwOffers>()).Offers);

        var (status, created) = await lab.SendAsync(HttpMethod.Post, "/v1/jobs", """{"id": "nightly", "cmd": "true", "cpus": 0.1, "mem": 16}""");
        Assert.True(status == 201, created.ToString());
        await JobApiTests.WaitForJobAsync(lab, "nightly", j => j.GetProperty("reason").GetString()?.Contains("waiting for resource offers") == true,
            "the attempt waits");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(lab.Cluster.Master.Service.Tasks(), t => t.Id.StartsWith("nightly.", StringComparison.Ordinal));

        await external.SendAsync(new FwDecline([held.OfferId], 60));
        await JobApiTests.WaitForJobAsync(lab, "nightly",
            j => j.GetProperty("runs").EnumerateArray().Any(r => r.GetProperty("state").GetString() == "succeeded"),
            "the attempt runs once the offer is declined");
    }
}
