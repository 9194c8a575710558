using System.Reflection;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.State;

/// <summary>The master's read view is a frozen copy of the state: nothing the original applies later reaches it.</summary>
public sealed class ClusterStateFreezeTests
{
    private static readonly Dictionary<string, string> NoEnv = [];

    private static ClusterState Busy()
    {
        var state = new ClusterState();
        state.Apply(new AddAgent(0, new AgentRecord("a1", "a1", new Resources(4, 1024), NoEnv, 0, PortRanges.Of(new PortRange(31000, 31010)))));
        state.Apply(new PutApp(1, new AppSpec("/web", Args: ["sleep", "inf"], Cpus: 0.1, Mem: 16, Ports: 1, Instances: 1, Version: "1"), KeepVersion: true));
        state.Apply(new PutApp(2, new AppSpec("/web", Args: ["sleep", "inf"], Cpus: 0.1, Mem: 16, Ports: 1, Instances: 2, Version: "2"), KeepVersion: true));
        state.Apply(new SubmitTask(3, "t1", new TaskSpec("t", ["true"], NoEnv, new Resources(0.5, 32), Ports: 1)));
        state.Apply(new AssignTask(4, "t1", "a1"));
        state.Apply(new PutRoleWeight(5, "ops", 2));
        state.Apply(new SetAgentDrain(6, "a1", true, 1000));
        return state;
    }

    [Fact]
    public void TheCopyHoldsTheSameStateAndKeepsItWhileTheOriginalMovesOn()
    {
        var state = Busy();
        var frozen = state.Freeze();
        var bytes = StateSnapshotCodec.Encode(state);
        Assert.Equal(bytes, StateSnapshotCodec.Encode(frozen));
        Assert.Equal(state.Free("a1"), frozen.Free("a1"));
        Assert.Equal(state.FreePorts(state.Agents["a1"]), frozen.FreePorts(frozen.Agents["a1"]));

        state.Apply(new UpdateTaskStatus(7, "t1", TaskState.Finished, 0, null, null));
        state.Apply(new PutApp(8, new AppSpec("/web", Args: ["sleep", "inf"], Cpus: 0.1, Mem: 16, Ports: 1, Instances: 3, Version: "3"), KeepVersion: true));
        state.Apply(new PutRoleWeight(9, "ops", 3));
        state.Apply(new SetAgentDrain(10, "a1", false, 0));
        state.Apply(new RemoveAgent(11, "a1", "gone"));

        Assert.Equal(bytes, StateSnapshotCodec.Encode(frozen));
        Assert.Single(frozen.LiveTasksOn("a1"));
        Assert.Single(frozen.AppVersions("/web"));
        Assert.Equal(2, frozen.RoleWeight("ops"));
    }

    [Fact]
    public void EveryTableAndIndexIsCopied()
    {
        // A table the copy shared with the original would change under its readers: each collection field is its own.
        var state = Busy();
        var frozen = state.Freeze();
        var fields = typeof(ClusterState).GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
            .Where(f => f.FieldType.Namespace == "System.Collections.Generic").ToList();
        Assert.True(fields.Count >= 14, $"only {fields.Count} collection fields found");
        foreach (var field in fields)
            Assert.False(ReferenceEquals(field.GetValue(state), field.GetValue(frozen)), $"ClusterState.{field.Name} is shared with the frozen copy");
    }

    [Fact]
    public void TheCopyRefusesChanges()
    {
        var frozen = Busy().Freeze();
        Assert.True(frozen.IsFrozen);
        Assert.Throws<InvalidOperationException>(() => frozen.Apply(new SubmitTask(1, "t2", new TaskSpec("t", ["true"], NoEnv, new Resources(0.5, 32)))));
        Assert.Throws<InvalidOperationException>(() => frozen.Restore([], []));
    }
}
