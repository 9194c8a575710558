using MiniMesos.Core.Model;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>The master's side of the Framework API with a real master and agent in process, through a C# client.</summary>
public sealed class FrameworkApiTests
{
    private static FwTaskInfo Sleep(string id, double cpus = 0.1, IReadOnlyList<int>? ports = null) =>
        new(id, id, ["/bin/sleep", "60"], new Dictionary<string, string>(), cpus, 32, 0, ports ?? []);

    [Fact]
    public async Task OffersKeepComingAfterAnAcceptAndRefusedAcceptsSayWhy()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        await using var framework = await FrameworkClient.SubscribeAsync(cluster, "refusals", 30);
        var offer = (await framework.NextAsync<FwOffers>()).Offers[0];
        Assert.Equal(2.0, offer.Cpus);
        await framework.SendAsync(new FwAccept([offer.OfferId], [Sleep("too-big", cpus: 3)], 0));
        var refused = await framework.NextAsync<FwAcceptRefused>();
        Assert.Contains("cpus: 3 requested, 2 available", refused.Reason);

        offer = (await framework.NextAsync<FwOffers>()).Offers[0];
        await framework.SendAsync(new FwAccept([offer.OfferId], [Sleep("wants-port", ports: [8080])], 0));
        Assert.Contains("ports [8080] are not in the offered ranges", (await framework.NextAsync<FwAcceptRefused>()).Reason);

        offer = (await framework.NextAsync<FwOffers>()).Offers[0];
        await framework.SendAsync(new FwAccept([offer.OfferId], [Sleep("runs")], 0));
        await framework.NextAsync<FwUpdate>(u => u.TaskId == "runs" && u.State == "TASK_RUNNING");
        offer = (await framework.NextAsync<FwOffers>()).Offers[0];
        Assert.Equal(1.9, offer.Cpus, 6);
        await framework.SendAsync(new FwAccept([offer.OfferId], [Sleep("runs")], 0));
        Assert.Equal("task id 'runs' is already in use", (await framework.NextAsync<FwAcceptRefused>()).Reason);
    }
}
