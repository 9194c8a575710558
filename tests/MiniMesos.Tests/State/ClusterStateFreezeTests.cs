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
    public void EveryTableAndIndexIsCopiedOrASnapshot()
    {
        // A table the copy shared with the original would change under its readers: each collection field is its own
        // (a copy, or a snapshot of a chunked table, which shares chunks the original copies before writing them).
        var state = Busy();
        var frozen = state.Freeze();
        var fields = typeof(ClusterState).GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
            .Where(f => f.FieldType.Namespace == "System.Collections.Generic"
                || f.FieldType.IsGenericType && f.FieldType.GetGenericTypeDefinition() == typeof(ChunkedTable<>)).ToList();
        Assert.True(fields.Count >= 15, $"only {fields.Count} collection fields found");
        foreach (var field in fields)
            Assert.False(ReferenceEquals(field.GetValue(state), field.GetValue(frozen)), $"ClusterState.{field.Name} is shared with the frozen copy");
    }

    [Fact]
    public void ManyCopiesTakenBetweenChangesEachKeepTheStateOfTheirMoment()
    {
        // Enough tasks for the chunked tables to grow several times, a copy after every change: the copies share
        // chunks and index sets with the original, which must copy each before it writes it.
        var state = new ClusterState(maxEndedTasks: 50);
        for (var a = 0; a < 4; a++)
            state.Apply(new AddAgent(0, new AgentRecord($"a{a}", $"a{a}", new Resources(1000, 1 << 20), NoEnv, 0, PortRanges.Of(new PortRange(31000, 32000)))));
        state.Apply(new PutApp(1, new AppSpec("/web", Args: ["sleep", "inf"], Cpus: 0.01, Mem: 1, Ports: 1, Instances: 1000, Version: "1"), KeepVersion: true));
        var copies = new List<(ClusterState Copy, byte[] Bytes, Resources Free)>();
        var random = new Random(15);
        for (var i = 0; i < 600; i++)
        {
            var at = 10 + i;
            var id = $"web.{random.Next(400)}";
            ClusterCommand command = state.Tasks.TryGetValue(id, out var task)
                ? new UpdateTaskStatus(at, id, task.State switch
                {
                    TaskState.Staging => TaskState.Running,
                    TaskState.Running => random.Next(2) == 0 ? TaskState.Finished : TaskState.Running,
                    _ => TaskState.Running,
                }, null, null, null)
                : new LaunchTasks(at, [new PlacedLaunch(id, new TaskSpec("web", ["sleep", "inf"], NoEnv, new Resources(0.01, 1), Ports: 1, AppId: "/web", AppVersion: "1"),
                    $"a{random.Next(4)}", null)], JudgeApps: true);
            state.Apply(command);
            if (i % 7 == 0)
                state.Apply(new PutApp(at, new AppSpec("/other", Args: ["sleep", "inf"], Cpus: 0.01, Mem: 1, Instances: 0, Version: $"{i}"), KeepVersion: true));
            var copy = state.Freeze();
            copies.Add((copy, StateSnapshotCodec.Encode(copy), copy.Free("a1")));
        }
        Assert.True(state.Tasks.Count > 300, $"only {state.Tasks.Count} tasks");
        Assert.Equal(ClusterState.MaxAppVersions, state.AppVersions("/other").Count);
        foreach (var (copy, bytes, free) in copies)
        {
            Assert.Equal(bytes, StateSnapshotCodec.Encode(copy));
            Assert.Equal(free, copy.Free("a1"));
        }
        Assert.Equal(StateSnapshotCodec.Encode(state), copies[^1].Bytes);
        var restored = new ClusterState(maxEndedTasks: 50);
        StateSnapshotCodec.Restore(restored, copies[^1].Bytes);
        Assert.Equal(state.Free("a2"), restored.Free("a2"));
        Assert.Equal(state.AppTasks("/web").Select(t => t.Id), copies[^1].Copy.AppTasks("/web").Select(t => t.Id));
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
