using MiniMesos.Core.Model;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>The master's side of the Framework API with a real master and agent in process, through a C# client.</summary>
[Trait("Category", "Slow")]
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
        offer = (await framework.NextAsync<FwOffers>()).Offers[0];
        await framework.SendAsync(new FwAccept([offer.OfferId], [Sleep("../escape")], 0));
        Assert.StartsWith("task id '../escape' must be 1..128 letters", (await framework.NextAsync<FwAcceptRefused>()).Reason);
        await framework.SendAsync(new FwAccept([offer.OfferId], [Sleep("again")], 0));
        Assert.Contains("is unknown", (await framework.NextAsync<FwAcceptRefused>()).Reason); // a refused accept uses up its offers
    }

    [Fact]
    public async Task AFrameworkAwayPastItsFailoverTimeoutIsRemovedAndItsTasksKilled()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var master = cluster.Master.Service;
        string id;
        await using (var framework = await FrameworkClient.SubscribeAsync(cluster, "short-lived", failoverTimeout: 1))
        {
            id = framework.FrameworkId;
            var offer = (await framework.NextAsync<FwOffers>()).Offers[0];
            await framework.SendAsync(new FwAccept([offer.OfferId], [Sleep("orphan")], null));
            await framework.NextAsync<FwUpdate>(u => u.TaskId == "orphan" && u.State == "TASK_RUNNING");
            Assert.Equal(id, Assert.Single(master.Frameworks()).Id);
        }
        await Eventually.TrueAsync(() => master.Task("orphan")?.State == TaskState.Killed, "the orphaned task is killed", TimeSpan.FromSeconds(20));
        Assert.Empty(master.Frameworks());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => FrameworkClient.SubscribeAsync(cluster, "short-lived", 1, id));
        Assert.Contains("framework_id", error.Message);
    }

    [Fact]
    public async Task AFrameworkThatResubscribesWithinItsTimeoutKeepsItsTasks()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        string id;
        await using (var framework = await FrameworkClient.SubscribeAsync(cluster, "comes-back", failoverTimeout: 30))
        {
            id = framework.FrameworkId;
            var offer = (await framework.NextAsync<FwOffers>()).Offers[0];
            await framework.SendAsync(new FwAccept([offer.OfferId], [Sleep("kept")], null));
            await framework.NextAsync<FwUpdate>(u => u.TaskId == "kept" && u.State == "TASK_RUNNING");
        }
        await Eventually.TrueAsync(() => cluster.Master.Service.FrameworkViews().Frameworks.Any(f => f.Id == id && !f.Connected),
            "the master has seen the framework disconnect", TimeSpan.FromSeconds(20));
        await using var back = await FrameworkClient.SubscribeAsync(cluster, "comes-back", 30, id);
        Assert.Equal(id, back.FrameworkId);
        await back.SendAsync(new FwReconcile([]));
        var state = await back.NextAsync<FwUpdate>(u => u.Uuid.Length == 0);
        Assert.Equal(("kept", "TASK_RUNNING"), (state.TaskId, state.State));
        Assert.Equal(TaskState.Running, cluster.Master.Service.Task("kept")!.State);

        await back.SendAsync(new FwKill("kept"));
        await back.NextAsync<FwUpdate>(u => u.TaskId == "kept" && u.State == "TASK_KILLED");
        await back.SendAsync(new FwKill("not-mine"));
        Assert.Equal("task_id", (await back.NextAsync<FwError>()).Field);
    }

    [Fact]
    public async Task ATakeOverWhileTheOldConnectionIsOpenIsOfferedTheOldSessionsOffersAtOnce()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        await using var first = await FrameworkClient.SubscribeAsync(cluster, "taken-over", failoverTimeout: 30);
        var held = (await first.NextAsync<FwOffers>()).Offers[0];
        // The old connection stays open (half-open TCP as the master sees it): the new one takes over without the master
        // seeing it close first. Before take-overs returned the held offer, the new session saw nothing for the 60 s offer
        // timeout and then a rescind of an offer it never had; allocation rounds run every second, so 5 s is a short bound.
        // SubscribeAsync fails unless `subscribed` is the first answer: no offer of the new session may overtake it.
        await using var second = await FrameworkClient.SubscribeAsync(cluster, "taken-over", 30, first.FrameworkId);
        var offers = await second.NextAsync<FwOffers>(seconds: 5);
        var offer = offers.Offers[0];
        Assert.Equal(held.AgentId, offer.AgentId);
        Assert.Equal(held.Cpus, offer.Cpus, 6);
        Assert.DoesNotContain(offers.Offers, o => o.OfferId == held.OfferId);

        // The master closed the old session's connection.
        await first.ClosedByMasterAsync(seconds: 10);

        await second.SendAsync(new FwAccept([offer.OfferId], [Sleep("after-take-over")], 0));
        await second.NextAsync<FwUpdate>(u => u.TaskId == "after-take-over" && u.State == "TASK_RUNNING");
        // A round trip after everything the take-over could have sent: no rescind of an offer this session never saw.
        await second.SendAsync(new FwReconcile(["after-take-over"]));
        await second.NextAsync<FwUpdate>(u => u.TaskId == "after-take-over" && u.Uuid.Length == 0);
        Assert.DoesNotContain(second.Received, m => m is FwRescind r && r.OfferId != offer.OfferId);
    }
}
