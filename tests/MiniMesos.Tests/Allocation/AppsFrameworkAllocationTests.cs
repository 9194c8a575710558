using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using Xunit;

namespace MiniMesos.Tests.Allocation;

/// <summary>
/// The built-in apps framework as an allocator framework (unit level): its instances are charged to it, it decides
/// within the offers it holds, and Accept refuses a launch beyond them as it would an external framework's.
/// </summary>
public sealed class AppsFrameworkAllocationTests
{
    private static readonly AppSpec Web = new("/web", Cmd: "serve", Cpus: 1, Mem: 256, Instances: 3, Version: "v1");

    private static (ClusterState State, AllocatorFeed Feed) Cluster()
    {
        var state = new ClusterState();
        state.Apply(new AddAgent(0, new AgentRecord("a1", "pi1", new Resources(2, 1024, 0), new Dictionary<string, string>(), 0)));
        state.Apply(new SubmitTask(1, "web.1", new TaskSpec("web.1", ["serve"], new Dictionary<string, string>(), new Resources(0.5, 256, 0), AppId: "/web",
            AppVersion: "v1")));
        state.Apply(new AssignTask(1, "web.1", "a1"));
        var feed = new AllocatorFeed(new Allocator());
        feed.Allocator.AddFramework(AllocatorFeed.Apps);
        feed.Allocator.AddFramework("fw");
        feed.Allocator.Suppress("fw");
        feed.Sync(state, new HashSet<string> { "a1" }, 0);
        return (state, feed);
    }

    private static AppDecisions Decide(ClusterState state, IReadOnlyList<Offer> offers) =>
        AppScheduler.Decide(new AppSchedulerInput([Web], AppInputs.Instances(new Dictionary<string, AppSpec> { ["/web"] = Web }, state.Tasks.Values,
            state.Agents, new HashSet<string>()), offers, new Dictionary<string, LaunchBackoff>(), 10, 2));

    [Fact]
    public void AppInstancesAreChargedToTheAppsFrameworkWhichDecidesWithinItsOffer()
    {
        var (state, feed) = Cluster();
        Assert.Equal(new Resources(0.5, 256, 0), feed.UsedBy(AllocatorFeed.Apps));
        Assert.Equal(new Resources(0, 0), feed.UsedBy(AllocatorFeed.Tasks));
        Assert.Equal(0.25, feed.Allocator.ShareOf(AllocatorFeed.Apps));

        var offer = Assert.Single(feed.Allocator.Allocate(10).Offers);
        Assert.Equal((AllocatorFeed.Apps, new Resources(1.5, 768, 0)), (offer.FrameworkId, offer.Resources.Scalars));
        var decisions = Decide(state, [offer]);
        var launch = Assert.Single(decisions.Launches);
        Assert.Equal(1, Assert.Single(decisions.Waits).Missing);
        Assert.True(AppScheduler.WantsOffers(decisions));

        var result = feed.Allocator.Accept(AllocatorFeed.Apps, [offer.Id], [launch.Task], 10, 0);
        Assert.True(result.Accepted, result.Reason);
        Assert.Equal(new Resources(0.5, 512, 0), feed.Allocator.FreeOn("a1").Scalars);
        Assert.Equal(0.75, feed.Allocator.ShareOf(AllocatorFeed.Apps));
    }

    [Fact]
    public void ALaunchBeyondTheAppsOfferIsRefusedByAcceptAndTheOfferGoesBack()
    {
        var (state, feed) = Cluster();
        var offer = Assert.Single(feed.Allocator.Allocate(10).Offers);
        // Decided from a view of the agent larger than what was offered (2 cpus, not 1.5): two instances on one offer.
        var stale = offer with { Resources = new ResourceSet(new Resources(2, 1024, 0), PortRanges.Empty) };
        var decisions = Decide(state, [stale]);
        Assert.Equal(2, decisions.Launches.Count);

        var result = feed.Allocator.Accept(AllocatorFeed.Apps, [offer.Id], decisions.Launches.Select(l => l.Task).ToList(), 10, 0);
        Assert.False(result.Accepted);
        Assert.Contains($"the tasks together exceed offer '{offer.Id}'", result.Reason);
        Assert.Contains("cpus", result.Reason);
        Assert.Empty(feed.Allocator.OutstandingOffers);
        Assert.Equal(new Resources(1.5, 768, 0), feed.Allocator.FreeOn("a1").Scalars);
        Assert.Equal(0.25, feed.Allocator.ShareOf(AllocatorFeed.Apps));

        // An offer made to another framework cannot be used either.
        feed.Allocator.Revive("fw");
        feed.Allocator.Suppress(AllocatorFeed.Apps);
        var theirs = Assert.Single(feed.Allocator.Allocate(11).Offers);
        var refused = feed.Allocator.Accept(AllocatorFeed.Apps, [theirs.Id], [decisions.Launches[0].Task], 11, 0);
        Assert.Contains("was made to framework 'fw'", refused.Reason);
    }
}
