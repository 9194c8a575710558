using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Master;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;
using Xunit;

namespace MiniMesos.Tests.Master;

/// <summary>Status updates from many agents share log entries; each is still answered only once its entry committed.</summary>
public sealed class StatusBatchTests
{
    private static readonly AgentRecord Agent = new("a1", "host1", new Resources(64, 65536), new Dictionary<string, string>(), 0);

    private static readonly TaskSpec Spec = new("t", ["true"], new Dictionary<string, string>(), new Resources(0.1, 1));

    /// <summary>A master (its log an in-memory fake that holds proposals until released) that applied agent a1's registration.</summary>
    private static (MasterService Master, HeldLogFake Log, IRaftStateMachine Machine) MasterWithAgent()
    {
        var master = new MasterService(TimeProvider.System, NullLogger.Instance);
        var log = new HeldLogFake(master);
        master.Attach(log);
        var machine = (IRaftStateMachine)master;
        machine.Apply(1, CommandCodec.Encode(new AddAgent(0, Agent)));
        return (master, log, machine);
    }

    [Fact]
    public async Task UpdatesArrivingWhileEntriesAreInFlightShareTheNextEntry()
    {
        var (master, log, machine) = MasterWithAgent();
        machine.Apply(2, CommandCodec.Encode(new LaunchTasks(0, Enumerable.Range(0, 10).Select(i => new PlacedLaunch($"t.{i}", Spec, "a1")).ToList())));

        var updates = Enumerable.Range(0, 10)
            .Select(i => master.StatusUpdateAsync("a1", $"t.{i}", TaskState.Running, null, null, null, CancellationToken.None)).ToList();

        // Four entries in flight (one update each); none is answered before its commit.
        Assert.Equal(4, log.Held);
        Assert.All(updates, u => Assert.False(u.IsCompleted));
        log.Release();
        Assert.All(await Task.WhenAll(updates), Assert.True);

        Assert.Equal(5, log.Proposed.Count);
        Assert.All(log.Proposed.Take(4), e => Assert.IsType<UpdateTaskStatus>(e));
        Assert.Equal(6, Assert.IsType<UpdateTaskStatuses>(log.Proposed[4]).Updates.Count);
        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal(TaskState.Running, master.Task($"t.{i}")!.State));
    }

    /// <summary>
    /// An agent resends every unacknowledged update each heartbeat: under load those that already committed came back
    /// and were committed again, one by one, and the agent's queue grew. A resent or late update is acknowledged (false)
    /// without a commit; one that moves the task on still commits.
    /// </summary>
    [Fact]
    public async Task AResentOrLateUpdateIsAnsweredWithoutAnEntry()
    {
        var (master, log, machine) = MasterWithAgent();
        machine.Apply(2, CommandCodec.Encode(new LaunchTasks(0, [new PlacedLaunch("t.1", Spec, "a1")])));
        machine.Apply(3, CommandCodec.Encode(new UpdateTaskStatus(0, "t.1", TaskState.Running, null, null, null)));

        Assert.False(await master.StatusUpdateAsync("a1", "t.1", TaskState.Running, null, null, null, CancellationToken.None));
        Assert.False(await master.StatusUpdateAsync("a1", "t.1", TaskState.Starting, null, null, null, CancellationToken.None));
        Assert.Empty(log.Proposed);

        var finished = master.StatusUpdateAsync("a1", "t.1", TaskState.Finished, 0, null, null, CancellationToken.None);
        log.Release();
        Assert.True(await finished);
        Assert.IsType<UpdateTaskStatus>(Assert.Single(log.Proposed));
        Assert.Equal(TaskState.Finished, master.Task("t.1")!.State);
    }

    [Fact]
    public void AnUpdateIsNewsOnlyWhenItMovesTheTaskOn()
    {
        Assert.True(TaskState.Running.IsNewsAfter(TaskState.Starting));
        Assert.True(TaskState.Failed.IsNewsAfter(TaskState.Running));
        Assert.True(TaskState.Running.IsNewsAfter(TaskState.Unreachable));
        Assert.True(TaskState.Finished.IsNewsAfter(TaskState.Unreachable));
        Assert.False(TaskState.Running.IsNewsAfter(TaskState.Running));
        Assert.False(TaskState.Starting.IsNewsAfter(TaskState.Running));
        Assert.False(TaskState.Unreachable.IsNewsAfter(TaskState.Unreachable));
        Assert.False(TaskState.Killed.IsNewsAfter(TaskState.Finished));
    }

    [Fact]
    public void ABatchAppliesEachUpdateAsASingleEntryWouldAndRoundTrips()
    {
        var state = new ClusterState();
        Assert.True(state.Apply(new AddAgent(0, Agent)));
        Assert.True(state.Apply(new LaunchTasks(0, [new("t.1", Spec, "a1"), new("t.2", Spec, "a1")])));
        var batch = new UpdateTaskStatuses(5, [
            new UpdateTaskStatus(5, "t.1", TaskState.Running, null, null, null),
            new UpdateTaskStatus(5, "t.2", TaskState.Failed, 3, null, "exit 3"),
            new UpdateTaskStatus(5, "t.2", TaskState.Running, null, null, "late"),
            new UpdateTaskStatus(5, "nope", TaskState.Running, null, null, null),
        ]);
        var bytes = CommandCodec.Encode(batch);
        var decoded = Assert.IsType<UpdateTaskStatuses>(CommandCodec.Decode(bytes));
        Assert.Equal(batch.Updates, decoded.Updates);
        Assert.Equal(bytes, CommandCodec.Encode(decoded));

        Assert.True(state.Apply(decoded));
        Assert.Equal(TaskState.Running, state.Tasks["t.1"].State);
        Assert.Equal((TaskState.Failed, 3, "exit 3"), (state.Tasks["t.2"].State, state.Tasks["t.2"].ExitCode, state.Tasks["t.2"].Message));
        Assert.False(state.Apply(new UpdateTaskStatuses(6, [new UpdateTaskStatus(6, "t.2", TaskState.Running, null, null, null)])));
        Assert.Equal(["t.1"], state.LiveTasksOn("a1").Select(t => t.Id));
    }
}
