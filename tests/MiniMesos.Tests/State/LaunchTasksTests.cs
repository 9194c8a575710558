using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.State;

/// <summary>Applying a batch of launches: what fits is placed, what no longer fits is skipped, the same way on every replica.</summary>
public sealed class LaunchTasksTests
{
    private static readonly Dictionary<string, string> NoEnv = [];

    private static TaskSpec Spec(double cpus, long mem, string? ports = null) =>
        new("t", ["true"], ports is null ? NoEnv : new Dictionary<string, string> { ["PORTS"] = ports }, new Resources(cpus, mem));

    private static ClusterState TwoAgents()
    {
        var state = new ClusterState();
        foreach (var id in new[] { "a1", "a2" })
            Assert.True(state.Apply(new AddAgent(0, new AgentRecord(id, id, new Resources(2, 1024), NoEnv, 0))));
        Assert.True(state.Apply(new RegisterFramework(0, new FrameworkRecord("fw-1", "fw", "*", 60, 0))));
        return state;
    }

    [Fact]
    public void EveryLaunchThatFitsIsPlacedStagingOnItsAgentInOneEntry()
    {
        var state = TwoAgents();
        Assert.True(state.Apply(new LaunchTasks(9, [
            new("app.1", Spec(1, 100, "31000"), "a1"),
            new("app.2", Spec(1, 100, "31000"), "a2"),
            new("fw.1", Spec(0.5, 100), "a2", "fw-1"),
        ])));

        Assert.Empty(state.LastSkipped);
        Assert.Equal(("a1", TaskState.Staging, 9L), (state.Tasks["app.1"].AgentId, state.Tasks["app.1"].State, state.Tasks["app.1"].SubmittedAtMs));
        Assert.Equal("a2", state.Tasks["app.2"].AgentId);
        Assert.Equal("fw-1", state.TaskFrameworks["fw.1"]);
        Assert.False(state.TaskFrameworks.ContainsKey("app.1"));
        Assert.Equal(new Resources(0.5, 824), state.Free("a2"));
        Assert.Equal(["app.2", "fw.1"], state.LiveTasksOn("a2").Select(t => t.Id));
    }

    [Fact]
    public void LaunchesThatNoLongerFitAreSkippedWithTheirReasonAndTheRestApplied()
    {
        var state = TwoAgents();
        // Committed between the leader's view and the batch: a task on a1 holding a cpu and port 31005, a1's neighbour drained.
        Assert.True(state.Apply(new LaunchTasks(1, [new("earlier", Spec(1, 10, "31005"), "a1")])));
        Assert.True(state.Apply(new SetAgentDrain(2, "a2", true, 0)));

        Assert.True(state.Apply(new LaunchTasks(3, [
            new("fits", Spec(0.5, 10), "a1"),
            new("too-big", Spec(1, 10), "a1"),
            new("port-taken", Spec(0.1, 10, "31005"), "a1"),
            new("draining", Spec(0.1, 10), "a2"),
            new("no-agent", Spec(0.1, 10), "a9"),
            new("earlier", Spec(0.1, 10), "a1"),
            new("fw-gone", Spec(0.1, 10), "a1", "fw-9"),
        ])));

        Assert.Equal(["earlier", "fits"], state.LiveTasksOn("a1").Select(t => t.Id));
        var skipped = state.LastSkipped.ToDictionary(s => s.TaskId, s => s.Reason);
        Assert.Equal(["too-big", "port-taken", "draining", "no-agent", "earlier", "fw-gone"], state.LastSkipped.Select(s => s.TaskId));
        Assert.Contains("cpus=0.5", skipped["too-big"]);
        Assert.Contains("31005", skipped["port-taken"]);
        Assert.Contains("draining", skipped["draining"]);
        Assert.Contains("already in use", skipped["earlier"]);
        Assert.Contains("fw-9", skipped["fw-gone"]);
        foreach (var id in new[] { "too-big", "port-taken", "draining", "no-agent", "fw-gone" }) Assert.False(state.Tasks.ContainsKey(id));
        Assert.Equal(1, state.Tasks["earlier"].Spec.Resources.Cpus);

        // A batch of which nothing applies changes nothing and says so; the next command clears the skips.
        Assert.False(state.Apply(new LaunchTasks(4, [new("again-too-big", Spec(1, 10), "a1")])));
        Assert.Single(state.LastSkipped);
        Assert.True(state.Apply(new UpdateTaskStatus(5, "fits", TaskState.Running, null, null, null)));
        Assert.Empty(state.LastSkipped);
    }

    [Fact]
    public void OneShotTasksAskingForPortsGetTheLowestFreeOnesOfTheirAgent()
    {
        var state = TwoAgents();
        Assert.True(state.Apply(new LaunchTasks(1, [new("held", Spec(0.1, 10, "31000"), "a1")])));
        var oneShot = new TaskSpec("o", ["true"], NoEnv, new Resources(0.1, 10), Ports: 2);
        Assert.True(state.Apply(new LaunchTasks(2, [new("o.1", oneShot, "a1")])));
        Assert.Equal("31001,31002", state.Tasks["o.1"].Spec.Env["PORTS"]);
    }

    /// <summary>
    /// A replica restored from a snapshot indexes its tasks in another order than the one that applied them; both must
    /// still decide every launch of the next batch alike (float cpus summed in task id order), and end byte-identical.
    /// </summary>
    [Fact]
    public void ReplicasRestoredFromASnapshotSkipTheSameLaunches()
    {
        var leader = TwoAgents();
        var thirds = Enumerable.Range(0, 5).Select(i => new PlacedLaunch($"z{9 - i}", Spec(0.1 * (i + 1), 1), "a1")).ToList();
        Assert.True(leader.Apply(new LaunchTasks(1, thirds)));
        Assert.True(leader.Apply(new UpdateTaskStatus(2, "z8", TaskState.Finished, 0, null, null)));
        var follower = new ClusterState();
        StateSnapshotCodec.Restore(follower, StateSnapshotCodec.Encode(leader));

        var next = new LaunchTasks(3, Enumerable.Range(0, 12).Select(i => new PlacedLaunch($"n{i}", Spec(0.1, 1), i % 3 == 0 ? "a2" : "a1")).ToList());
        var entry = CommandCodec.Encode(next);
        Assert.Equal(leader.Apply(CommandCodec.Decode(entry)), follower.Apply(CommandCodec.Decode(entry)));

        Assert.Equal(leader.LastSkipped, follower.LastSkipped);
        Assert.NotEmpty(leader.LastSkipped);
        Assert.Equal(leader.Free("a1"), follower.Free("a1"));
        Assert.Equal(StateSnapshotCodec.Encode(leader), StateSnapshotCodec.Encode(follower));
    }

    [Fact]
    public void AnAppsPlacementThatACommitInBetweenMadeInvalidIsSkippedWithItsReason()
    {
        var state = TwoAgents();
        Assert.True(state.Apply(new AddAgent(0, new AgentRecord("a3", "a3", new Resources(2, 1024), new Dictionary<string, string> { ["rack"] = "r1" }, 0))));
        var app = new AppSpec("/web", Cmd: "x", Instances: 2, Constraints: [["hostname", "UNIQUE"]], Version: "v1",
            UnreachableStrategy: new UnreachableStrategy(10, 20));
        Assert.True(state.Apply(new PutApp(0, app)));
        TaskSpec Web(string version = "v1") => new("web", ["x"], NoEnv, new Resources(0.1, 10), "/web", version);
        Assert.True(state.Apply(new LaunchTasks(1, [new("web.1", Web(), "a1")])));
        Assert.True(state.Apply(new UpdateTaskStatus(2, "web.1", TaskState.Running, null, null, null)));
        Assert.True(state.Apply(new MarkAgentUnreachable(5_000, "a1", "silent")));
        // Within inactiveAfterSeconds the unreachable web.1 still counts: with web.2 the app is full, web.3 is skipped.
        Assert.True(state.Apply(new LaunchTasks(6_000, [new("web.2", Web(), "a2"), new("web.3", Web(), "a3")])));
        Assert.Equal("web.3", Assert.Single(state.LastSkipped).TaskId);
        Assert.Contains("already has 2 of its 2 instance(s)", state.LastSkipped[0].Reason);
        // Past it web.1 is inactive and its replacement may start, but not on a2 (UNIQUE hostname), nor at an old version.
        Assert.False(state.Apply(new LaunchTasks(15_000, [new("web.4", Web(), "a2"), new("web.5", Web("v0"), "a3")])));
        Assert.Contains("UNIQUE hostname", state.LastSkipped[0].Reason);
        Assert.Contains("now at version v1", state.LastSkipped[1].Reason);
        // The agent came back (web.1 RUNNING in the same entry) between the leader's view and this launch: skipped.
        Assert.True(state.Apply(new AgentRegistration(16_000, state.Agents["a1"], new AgentReport(new HashSet<string> { "web.1" }, new HashSet<string> { "web.1" }))));
        Assert.Equal(TaskState.Running, state.Tasks["web.1"].State);
        Assert.False(state.Apply(new LaunchTasks(17_000, [new("web.6", Web(), "a3")])));
        Assert.Contains("already has 2 of its 2", Assert.Single(state.LastSkipped).Reason);
    }
}
