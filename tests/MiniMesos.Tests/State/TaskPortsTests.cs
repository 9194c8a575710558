using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks.Tasks;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using Xunit;

namespace MiniMesos.Tests.State;

/// <summary>One-shot tasks asking for ports get the lowest free ones of their agent's reported range.</summary>
public sealed class TaskPortsTests
{
    private static readonly Dictionary<string, string> NoEnv = new();

    private static ClusterState StateWithAgent(PortRanges? ports)
    {
        var state = new ClusterState();
        Assert.True(state.Apply(new AddAgent(0, new AgentRecord("a1", "pi1", new Resources(4, 4096), NoEnv, 0, ports))));
        return state;
    }

    private static TaskSpec Spec(int ports, IReadOnlyDictionary<string, string>? env = null, string? appId = null) =>
        new("t", ["true"], env ?? NoEnv, new Resources(0.1, 16), AppId: appId, Ports: ports);

    [Fact]
    public void AssignmentGivesTheLowestFreePortsOfTheAgentsRangeAsMarathonEnv()
    {
        var state = StateWithAgent(PortRanges.Parse("[5000-5009]"));
        // An app instance already holds 5000 and 5002.
        state.Apply(new SubmitTask(1, "app.1", Spec(0, new Dictionary<string, string> { ["PORTS"] = "5000,5002" }, "app")));
        state.Apply(new AssignTask(2, "app.1", "a1"));
        state.Apply(new SubmitTask(3, "t.1", Spec(3)));
        Assert.True(state.Apply(new AssignTask(4, "t.1", "a1")));
        var env = state.Tasks["t.1"].Spec.Env;
        Assert.Equal("5001,5003,5004", env["PORTS"]);
        Assert.Equal(("5001", "5001", "5003", "5004"), (env["PORT"], env["PORT0"], env["PORT1"], env["PORT2"]));
        Assert.Equal("pi1", env["HOST"]);
        Assert.False(env.ContainsKey("PORT3"));
    }

    [Fact]
    public void TooFewFreePortsRefusesTheAssignmentAndEndedTasksFreeTheirs()
    {
        var state = StateWithAgent(PortRanges.Parse("[5000-5001]"));
        state.Apply(new SubmitTask(1, "t.1", Spec(2)));
        Assert.True(state.Apply(new AssignTask(2, "t.1", "a1")));
        state.Apply(new SubmitTask(3, "t.2", Spec(1)));
        Assert.Empty(FirstFitPlacement.Place(state));
        Assert.Contains("ports=1", FirstFitPlacement.WhyWaiting(state, state.Tasks["t.2"]));
        Assert.False(state.Apply(new AssignTask(4, "t.2", "a1")));
        Assert.Null(state.Tasks["t.2"].AgentId);

        state.Apply(new UpdateTaskStatus(5, "t.1", TaskState.Finished, 0, null, null));
        Assert.Equal([("t.2", "a1")], FirstFitPlacement.Place(state));
        Assert.True(state.Apply(new AssignTask(6, "t.2", "a1")));
        Assert.Equal("5000", state.Tasks["t.2"].Spec.Env["PORT0"]);
    }

    [Fact]
    public void PlacementCountsPortsTakenEarlierInTheSamePassAndNamesAnAgentTooSmall()
    {
        var state = StateWithAgent(PortRanges.Parse("[5000-5002]"));
        state.Apply(new SubmitTask(1, "t.1", Spec(2)));
        state.Apply(new SubmitTask(2, "t.2", Spec(2)));
        state.Apply(new SubmitTask(3, "t.3", Spec(4)));
        Assert.Equal([("t.1", "a1")], FirstFitPlacement.Place(state));
        Assert.Equal("no agent is big enough for cpus=0.1 mem=16MiB disk=0MiB ports=4", FirstFitPlacement.WhyWaiting(state, state.Tasks["t.3"]));
    }

    [Fact]
    public void AgentsThatReportedNoRangeOfferTheDefaultOne()
    {
        var state = StateWithAgent(null);
        state.Apply(new SubmitTask(1, "t.1", Spec(1)));
        Assert.True(state.Apply(new AssignTask(2, "t.1", "a1")));
        Assert.Equal("31000", state.Tasks["t.1"].Spec.Env["PORT"]);
        Assert.Equal(TaskPorts.DefaultRange, state.Agents["a1"].PortRange);
    }

    [Fact]
    public void AppOffersUseTheAgentsRangeMinusPortsOfOneShotTasks()
    {
        var state = StateWithAgent(PortRanges.Parse("[5000-5003]"));
        state.Apply(new SubmitTask(1, "t.1", Spec(1)));
        state.Apply(new AssignTask(2, "t.1", "a1"));
        var agent = state.Agents["a1"];
        var feed = new AllocatorFeed(new Allocator());
        feed.Allocator.AddFramework(AllocatorFeed.Apps);
        feed.Sync(state, new HashSet<string> { "a1" }, 10);
        var offer = Assert.Single(feed.Allocator.Allocate(10).Offers);
        Assert.Equal(PortRanges.Parse("[5001-5003]"), offer.Resources.Ports);
        Assert.False(TaskPorts.AllFree(agent, state.Tasks.Values, Spec(0, new Dictionary<string, string> { ["PORTS"] = "5000" })));
        Assert.True(TaskPorts.AllFree(agent, state.Tasks.Values, Spec(0, new Dictionary<string, string> { ["PORTS"] = "5001,5003" })));
    }
}
