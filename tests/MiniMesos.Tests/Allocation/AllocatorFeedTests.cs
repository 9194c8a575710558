using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using Xunit;

namespace MiniMesos.Tests.Allocation;

/// <summary>The allocator fed from the replicated state: built-in tasks and external frameworks never double-book an agent.</summary>
public sealed class AllocatorFeedTests
{
    private static readonly HashSet<string> Connected = ["a1"];

    private static ClusterState StateWithAgent()
    {
        var state = new ClusterState();
        state.Apply(new AddAgent(0, new AgentRecord("a1", "pi1", new Resources(2, 1024, 0), new Dictionary<string, string>(), 0)));
        return state;
    }

    private static void BuiltInTask(ClusterState state, string id, double cpus)
    {
        state.Apply(new SubmitTask(1, id, new TaskSpec(id, ["true"], new Dictionary<string, string>(), new Resources(cpus, 256, 0))));
        state.Apply(new AssignTask(1, id, "a1"));
    }

    [Fact]
    public void OffersLeaveOutWhatBuiltInTasksUse()
    {
        var state = StateWithAgent();
        BuiltInTask(state, "app.1", 1.5);
        var feed = new AllocatorFeed(new Allocator());
        feed.Allocator.AddFramework("fw");
        Assert.Empty(feed.Sync(state, Connected, 0));
        var offer = Assert.Single(feed.Allocator.Allocate(0).Offers);
        Assert.Equal(new Resources(0.5, 768, 0), offer.Resources.Scalars);
        Assert.Equal(new Resources(1.5, 256, 0), feed.UsedBy(AllocatorFeed.Tasks));
    }

    [Fact]
    public void ABuiltInTaskPlacedOnOfferedResourcesRescindsTheOfferAndEndedTasksGiveThemBack()
    {
        var state = StateWithAgent();
        var feed = new AllocatorFeed(new Allocator());
        feed.Allocator.AddFramework("fw");
        feed.Sync(state, Connected, 0);
        var offer = Assert.Single(feed.Allocator.Allocate(0).Offers);
        BuiltInTask(state, "one-shot.1", 1);
        var rescind = Assert.Single(feed.Sync(state, Connected, 1));
        Assert.Equal(offer.Id, rescind.OfferId);
        Assert.Contains("one-shot.1", rescind.Reason);
        Assert.Equal(1.0, Assert.Single(feed.Allocator.Allocate(2).Offers).Resources.Scalars.Cpus);

        state.Apply(new UpdateTaskStatus(3, "one-shot.1", TaskState.Finished, 0, null, null));
        feed.Allocator.Decline("fw", feed.Allocator.OutstandingOffers.Select(o => o.Id).ToList(), 3, 0);
        feed.Sync(state, Connected, 3);
        Assert.Equal(2.0, Assert.Single(feed.Allocator.Allocate(4).Offers).Resources.Scalars.Cpus);
    }

    [Fact]
    public void AnAcceptedLaunchStaysChargedUntilItsTaskIsCommittedAndAnAgentThatLeavesTakesItsOffers()
    {
        var state = StateWithAgent();
        var feed = new AllocatorFeed(new Allocator());
        feed.Allocator.AddFramework("fw");
        feed.Sync(state, Connected, 0);
        var offer = Assert.Single(feed.Allocator.Allocate(0).Offers);
        var launch = new TaskLaunch("t1", new ResourceSet(new Resources(1, 128, 0), PortRanges.Empty));
        Assert.True(feed.Allocator.Accept("fw", [offer.Id], [launch], 1, 0).Accepted);
        feed.Launching("t1", "fw", "a1", launch.Resources);
        feed.Sync(state, Connected, 2); // not in the state yet: still charged
        Assert.Equal(1.0, Assert.Single(feed.Allocator.Allocate(2).Offers).Resources.Scalars.Cpus);
        var rescinds = feed.Sync(state, new HashSet<string>(), 3);
        Assert.Contains("disconnected", Assert.Single(rescinds).Reason);
    }
}
