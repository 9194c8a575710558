using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks.Tasks;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.State;

/// <summary>One-shot tasks with Marathon constraints: placed only on agents that satisfy them, with a reason when none does.</summary>
public sealed class TaskConstraintPlacementTests
{
    private static readonly Dictionary<string, string> NoEnv = new();

    /// <summary>pi1 (rack r1, the most cpus: first fit's favourite), pi2 (rack r2), pi3 (rack r2).</summary>
    private static ClusterState ThreeAgents()
    {
        var state = new ClusterState();
        state.Apply(new AddAgent(0, new AgentRecord("a1", "pi1", new Resources(8, 4096), new Dictionary<string, string> { ["rack"] = "r1" }, 0)));
        state.Apply(new AddAgent(0, new AgentRecord("a2", "pi2", new Resources(4, 4096), new Dictionary<string, string> { ["rack"] = "r2" }, 0)));
        state.Apply(new AddAgent(0, new AgentRecord("a3", "pi3", new Resources(2, 4096), new Dictionary<string, string> { ["rack"] = "r2" }, 0)));
        return state;
    }

    private static TaskSpec Spec(string name, params string[][] constraints) =>
        new(name, ["true"], NoEnv, new Resources(0.1, 16), Constraints: constraints.Length == 0 ? null : constraints);

    private static Dictionary<string, string> Place(ClusterState state) =>
        FirstFitPlacement.Place(state).ToDictionary(p => p.TaskId, p => p.AgentId, StringComparer.Ordinal);

    [Fact]
    public void LikeAndUnlikeSteerATaskAwayFromTheAgentFirstFitWouldPick()
    {
        var state = ThreeAgents();
        state.Apply(new SubmitTask(1, "free.1", Spec("free")));
        state.Apply(new SubmitTask(2, "like.1", Spec("like", ["hostname", "LIKE", "pi[23]"])));
        state.Apply(new SubmitTask(3, "unlike.1", Spec("unlike", ["rack", "UNLIKE", "r[12]"], ["hostname", "LIKE", "pi.*"])));
        state.Apply(new SubmitTask(4, "rack.1", Spec("rack", ["rack", "LIKE", "r2"], ["hostname", "UNLIKE", "pi2"])));
        var placed = Place(state);
        Assert.Equal("a1", placed["free.1"]);
        Assert.Equal("a2", placed["like.1"]);
        Assert.Equal("a3", placed["rack.1"]);
        Assert.False(placed.ContainsKey("unlike.1"));
        Assert.Equal("UNLIKE rack:r[12]: no agent matches", FirstFitPlacement.WhyWaiting(state, state.Tasks["unlike.1"]));
        Assert.Null(FirstFitPlacement.WhyWaiting(state, state.Tasks["like.1"]));
    }

    [Fact]
    public void AMissingAttributeOrSeveralFailingConstraintsAreExplainedPerAgent()
    {
        var state = ThreeAgents();
        state.Apply(new SubmitTask(1, "zone.1", Spec("zone", ["zone", "LIKE", "z1"])));
        state.Apply(new SubmitTask(2, "mixed.1", Spec("mixed", ["rack", "LIKE", "r2"], ["hostname", "LIKE", "pi1"])));
        Assert.Empty(FirstFitPlacement.Place(state));
        Assert.Equal("LIKE zone:z1: no agent matches", FirstFitPlacement.WhyWaiting(state, state.Tasks["zone.1"]));
        var mixed = FirstFitPlacement.WhyWaiting(state, state.Tasks["mixed.1"]);
        Assert.StartsWith("no agent satisfies the constraints: pi1: LIKE rack:r2: rack=r1 does not match", mixed);
        Assert.Contains("pi2: LIKE hostname:pi1: hostname=pi2 does not match", mixed);
    }

    [Fact]
    public void UniqueSpreadsTasksOfOneNameInOnePassAndWaitsOnceEveryAgentHasOne()
    {
        var state = ThreeAgents();
        for (var i = 1; i <= 4; i++) state.Apply(new SubmitTask(i, $"shard.{i}", Spec("shard", ["hostname", "UNIQUE"])));
        state.Apply(new SubmitTask(5, "other.1", Spec("other", ["hostname", "UNIQUE"])));
        var placed = Place(state);
        Assert.Equal(["a1", "a2", "a3"], new[] { placed["shard.1"], placed["shard.2"], placed["shard.3"] });
        Assert.False(placed.ContainsKey("shard.4"));
        Assert.Equal("a1", placed["other.1"]); // another name is not a peer
        foreach (var (task, agent) in placed) state.Apply(new AssignTask(6, task, agent));
        Assert.Equal("UNIQUE hostname: all 3 agents already run an instance", FirstFitPlacement.WhyWaiting(state, state.Tasks["shard.4"]));

        // A peer that ended frees its agent for the waiting one.
        state.Apply(new UpdateTaskStatus(7, "shard.2", TaskState.Finished, 0, null, null));
        Assert.Equal("a2", Assert.Single(FirstFitPlacement.Place(state)).AgentId);
    }

    [Fact]
    public void MaxPerCountsLivePeersPerAttributeValue()
    {
        var state = ThreeAgents();
        for (var i = 1; i <= 3; i++) state.Apply(new SubmitTask(i, $"w.{i}", Spec("w", ["rack", "MAX_PER", "1"])));
        var placed = Place(state);
        Assert.Equal(2, placed.Count);
        Assert.Equal(["r1", "r2"], placed.Values.Select(a => state.Agents[a].Attributes["rack"]).Order());
        foreach (var (task, agent) in placed) state.Apply(new AssignTask(4, task, agent));
        Assert.StartsWith("MAX_PER rack:1:", FirstFitPlacement.WhyWaiting(state, state.Tasks["w.3"]));
    }

    [Fact]
    public void ConstraintsSurviveTheReplicatedCommandAndTheSnapshot()
    {
        string[][] constraints = [["hostname", "LIKE", "pi[12]"], ["rack", "UNIQUE"]];
        var spec = Spec("c", constraints);
        var bytes = CommandCodec.Encode(new SubmitTask(1, "c.1", spec));
        var decoded = ((SubmitTask)CommandCodec.Decode(bytes)).Spec;
        Assert.Equal(constraints, decoded.Constraints);
        Assert.Equal((0, (string?)null), (decoded.Ports, decoded.User));

        var state = ThreeAgents();
        state.Apply(new SubmitTask(1, "c.1", spec));
        state.Apply(new SubmitTask(2, "p.1", Spec("p") with { Ports = 1 }));
        var copy = new ClusterState();
        StateSnapshotCodec.Restore(copy, StateSnapshotCodec.Encode(state));
        Assert.Equal(constraints, copy.Tasks["c.1"].Spec.Constraints);
        Assert.Null(copy.Tasks["p.1"].Spec.Constraints);
        Assert.Equal(1, copy.Tasks["p.1"].Spec.Ports);
    }
}
