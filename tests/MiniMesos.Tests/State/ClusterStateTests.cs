using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks.Tasks;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using Xunit;

namespace MiniMesos.Tests.State;

public sealed class ClusterStateTests
{
    private static readonly Dictionary<string, string> NoEnv = [];

    private static TaskSpec Spec(double cpus, long mem) => new("t", ["true"], NoEnv, new Resources(cpus, mem));

    private static ClusterState WithAgents(params (string Id, double Cpus, long Mem)[] agents)
    {
        var state = new ClusterState();
        foreach (var (id, cpus, mem) in agents)
            Assert.True(state.Apply(new AddAgent(0, new AgentRecord(id, id, new Resources(cpus, mem), NoEnv, 0))));
        return state;
    }

    [Fact]
    public void TerminalStateIsFinal()
    {
        var state = WithAgents(("a1", 2, 1024));
        state.Apply(new SubmitTask(1, "t1", Spec(1, 10)));
        state.Apply(new AssignTask(2, "t1", "a1"));
        Assert.True(state.Apply(new UpdateTaskStatus(3, "t1", TaskState.Running, null, null, null)));
        Assert.True(state.Apply(new UpdateTaskStatus(4, "t1", TaskState.Failed, 3, null, "exit 3")));
        Assert.False(state.Apply(new UpdateTaskStatus(5, "t1", TaskState.Running, null, null, null)));
        Assert.False(state.Apply(new UpdateTaskStatus(6, "t1", TaskState.Finished, 0, null, null)));
        var task = state.Tasks["t1"];
        Assert.Equal(TaskState.Failed, task.State);
        Assert.Equal(3, task.ExitCode);
    }

    [Fact]
    public void LateNonTerminalUpdateDoesNotMoveBackwards()
    {
        var state = WithAgents(("a1", 2, 1024));
        state.Apply(new SubmitTask(1, "t1", Spec(1, 10)));
        state.Apply(new AssignTask(2, "t1", "a1"));
        state.Apply(new UpdateTaskStatus(3, "t1", TaskState.Running, null, null, null));
        Assert.False(state.Apply(new UpdateTaskStatus(4, "t1", TaskState.Starting, null, null, null)));
        Assert.Equal(TaskState.Running, state.Tasks["t1"].State);
    }

    [Fact]
    public void RemovingAnAgentLosesItsLiveTasksOnly()
    {
        var state = WithAgents(("a1", 4, 1024));
        state.Apply(new SubmitTask(1, "done", Spec(1, 10)));
        state.Apply(new SubmitTask(1, "live", Spec(1, 10)));
        state.Apply(new AssignTask(2, "done", "a1"));
        state.Apply(new AssignTask(2, "live", "a1"));
        state.Apply(new UpdateTaskStatus(3, "done", TaskState.Finished, 0, null, null));
        Assert.True(state.Apply(new RemoveAgent(4, "a1", "gone")));
        Assert.Equal(TaskState.Finished, state.Tasks["done"].State);
        Assert.Equal(TaskState.Lost, state.Tasks["live"].State);
        Assert.Equal("gone", state.Tasks["live"].Message);
    }

    [Fact]
    public void DuplicateSubmitAndUnknownAgentAreRefused()
    {
        var state = WithAgents(("a1", 1, 100));
        Assert.True(state.Apply(new SubmitTask(1, "t1", Spec(1, 10))));
        Assert.False(state.Apply(new SubmitTask(1, "t1", Spec(1, 10))));
        Assert.False(state.Apply(new AssignTask(2, "t1", "nope")));
        Assert.Null(state.Tasks["t1"].AgentId);
    }

    [Fact]
    public void ATaskKilledWhileItWaitedIsNeverPlaced()
    {
        // The kill and a placement decided just before it race on the leader: whichever commits second must not win.
        var state = WithAgents(("a1", 1, 100));
        Assert.True(state.Apply(new SubmitTask(1, "t1", Spec(0.5, 10))));
        Assert.True(state.Apply(new UpdateTaskStatus(2, "t1", TaskState.Killed, null, null, "killed before it was launched")));
        Assert.False(state.Apply(new AssignTask(3, "t1", "a1")));
        Assert.Null(state.Tasks["t1"].AgentId);
        Assert.Equal(TaskState.Killed, state.Tasks["t1"].State);
    }

    [Fact]
    public void PlacementRespectsFreeResourcesAndOrder()
    {
        var state = WithAgents(("small", 1, 512), ("big", 2, 2048));
        state.Apply(new SubmitTask(1, "t1", Spec(1.5, 100)));
        state.Apply(new SubmitTask(2, "t2", Spec(1, 100)));
        state.Apply(new SubmitTask(3, "t3", Spec(1, 100)));
        state.Apply(new SubmitTask(4, "t4", Spec(0.5, 4096)));
        var placements = FirstFitPlacement.Place(state).ToDictionary(p => p.TaskId, p => p.AgentId);
        Assert.Equal("big", placements["t1"]);
        Assert.Equal("small", placements["t2"]);
        Assert.False(placements.ContainsKey("t3")); // both agents are full now
        Assert.False(placements.ContainsKey("t4")); // no agent has 4 GiB
        foreach (var (task, agent) in placements) state.Apply(new AssignTask(5, task, agent));
        Assert.Equal("every agent is busy; waiting for cpus=1 mem=100MiB disk=0MiB to free up", FirstFitPlacement.WhyWaiting(state, state.Tasks["t3"]));
        Assert.StartsWith("no agent is big enough", FirstFitPlacement.WhyWaiting(state, state.Tasks["t4"]));
        Assert.Equal("no agent is registered", FirstFitPlacement.WhyWaiting(new ClusterState(), state.Tasks["t4"]));
    }
}
