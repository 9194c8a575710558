using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.State;

/// <summary>Ended tasks are kept up to a bound; the oldest leave first, the same way on every master.</summary>
public sealed class TaskRetentionTests
{
    private static readonly Dictionary<string, string> NoEnv = [];

    private static ClusterState Cluster(int limit)
    {
        var state = new ClusterState(limit);
        Assert.True(state.Apply(new AddAgent(0, new AgentRecord("a1", "a1", new Resources(64, 65536), NoEnv, 0))));
        return state;
    }

    /// <summary>Submits, places and (unless <paramref name="end"/> is null) ends a task at time <paramref name="at"/>.</summary>
    private static void Run(ClusterState state, string id, long at, TaskState? end = TaskState.Finished)
    {
        Assert.True(state.Apply(new SubmitTask(at, id, new TaskSpec(id, ["true"], NoEnv, new Resources(0.1, 8)))));
        Assert.True(state.Apply(new AssignTask(at, id, "a1")));
        Assert.True(state.Apply(new UpdateTaskStatus(at, id, TaskState.Running, null, null, null)));
        if (end is { } s) Assert.True(state.Apply(new UpdateTaskStatus(at + 1, id, s, s == TaskState.Finished ? 0 : 1, null, null)));
    }

    [Fact]
    public void OnlyTheMostRecentlyEndedTasksStayAndLiveTasksAlwaysStay()
    {
        var state = Cluster(limit: 3);
        Run(state, "live-early", 1, end: null);
        for (var i = 0; i < 6; i++) Run(state, $"t{i}", 10 + i * 10, i % 2 == 0 ? TaskState.Finished : TaskState.Failed);
        Run(state, "live-late", 100, end: null);
        Assert.Equal(["live-early", "live-late", "t3", "t4", "t5"], state.Tasks.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(3, state.DroppedEndedTasks);
        // A late duplicate update for a dropped task does not bring it back.
        Assert.False(state.Apply(new UpdateTaskStatus(200, "t0", TaskState.Finished, 0, null, null)));
        Assert.False(state.Tasks.ContainsKey("t0"));
        // Killing a live task ends it: it is now the newest ended one, and the oldest ended one leaves.
        Assert.True(state.Apply(new UpdateTaskStatus(300, "live-early", TaskState.Killed, null, 15, "by request")));
        Assert.Equal(["live-early", "live-late", "t4", "t5"], state.Tasks.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheEndTimeOrdersNotTheSubmitTime()
    {
        var state = Cluster(limit: 1);
        Run(state, "long", 10, end: null);
        Run(state, "short", 20);
        Assert.True(state.Apply(new UpdateTaskStatus(50, "long", TaskState.Finished, 0, null, null)));
        Assert.Equal(["long"], state.Tasks.Keys);
    }

    [Fact]
    public void AMasterRestoredFromASnapshotDropsTheSameTasksAsOneThatAppliedEverything()
    {
        var live = Cluster(limit: 4);
        ClusterState? restored = null;
        for (var i = 0; i < 20; i++)
        {
            // Same end time for pairs of tasks: ties are broken by id, on both masters alike.
            Run(live, $"t{19 - i:00}", 10 + i / 2 * 10, end: i % 5 == 4 ? null : TaskState.Finished);
            if (i == 9)
            {
                restored = new ClusterState(4);
                StateSnapshotCodec.Restore(restored, StateSnapshotCodec.Encode(live));
            }
            else if (restored is not null)
            {
                var id = $"t{19 - i:00}";
                Run(restored, id, 10 + i / 2 * 10, end: i % 5 == 4 ? null : TaskState.Finished);
            }
        }
        Assert.Equal(live.Tasks.Keys.Order(StringComparer.Ordinal), restored!.Tasks.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(4 + 4, live.Tasks.Count); // four ended kept, four never ended
        Assert.Equal(StateSnapshotCodec.Encode(live), StateSnapshotCodec.Encode(restored));
    }

    [Fact]
    public void ATaskAJobsCurrentRunRefersToIsKeptAndAFrameworksLinkLeavesWithItsTask()
    {
        var state = Cluster(limit: 1);
        Assert.True(state.Apply(new PutJob(1, new JobSpec("nightly", Cmd: "true"))));
        var run = new JobRun("nightly.1", "nightly", 1, 1, JobRunState.Active, 1);
        Assert.True(state.Apply(new PutJobState(2, new JobState("nightly", run, 1, [], 2))));
        Run(state, run.TaskId, 5);
        Assert.True(state.Apply(new RegisterFramework(6, new FrameworkRecord("fw-1", "py", "*", 60, 6))));
        Assert.True(state.Apply(new SubmitTask(7, "fw-task", new TaskSpec("fw-task", ["true"], NoEnv, new Resources(0.1, 8)))));
        Assert.True(state.Apply(new LinkTask(7, "fw-task", "fw-1")));
        Assert.True(state.Apply(new AssignTask(7, "fw-task", "a1")));
        Assert.True(state.Apply(new UpdateTaskStatus(8, "fw-task", TaskState.Finished, 0, null, null)));
        Run(state, "later", 20);
        // The job's attempt ended first but its run is still current (the jobs framework has not recorded the end yet).
        Assert.Equal(["later", run.TaskId], state.Tasks.Keys.Order(StringComparer.Ordinal));
        Assert.False(state.TaskFrameworks.ContainsKey("fw-task"));
        // Once the run is recorded as done, the attempt's task can go like any other.
        Assert.True(state.Apply(new PutJobState(30, new JobState("nightly", null, 1, [run with { State = JobRunState.Succeeded }], 2))));
        Run(state, "latest", 40);
        Assert.Equal(["latest"], state.Tasks.Keys);
    }

    [Fact]
    public void TheDefaultLimitIsTenThousand()
    {
        var state = new ClusterState();
        Assert.True(state.Apply(new AddAgent(0, new AgentRecord("a1", "a1", new Resources(64, 65536), NoEnv, 0))));
        for (var i = 0; i < ClusterState.MaxEndedTasks + 5; i++) Run(state, $"t{i:00000}", i * 2);
        Assert.Equal(ClusterState.MaxEndedTasks, state.Tasks.Count);
        Assert.Equal(5, state.DroppedEndedTasks);
        Assert.Equal("t00005", state.Tasks.Keys.Min(StringComparer.Ordinal));
    }
}
