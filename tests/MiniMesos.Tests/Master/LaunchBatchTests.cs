using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Master;
using Xunit;

namespace MiniMesos.Tests.Master;

/// <summary>The master's batched launch: one commit for many placements, only what the state accepted is sent to agents.</summary>
public sealed class LaunchBatchTests
{
    private static readonly AgentRecord Agent = new("a1", "host1", new Resources(1, 1024), new Dictionary<string, string>(), 0);

    private static TaskSpec Spec(double cpus) => new("t", ["/bin/true"], new Dictionary<string, string>(), new Resources(cpus, 1));

    [Fact]
    public async Task ABatchIsOneEntryPerHundredAndTwentyEightLaunchesAndEveryTaskIsSentOnce()
    {
        var (master, log, agent) = await NewLeaderWithAgentAsync();
        var before = log.Proposals;
        var launches = Enumerable.Range(0, 300).Select(i => new PlacedLaunch($"t.{i}", Spec(0.001), "a1")).ToList();

        var launched = await master.LaunchBatchAsync(launches, CancellationToken.None);

        Assert.Equal(300, launched.Count);
        Assert.Equal(3, log.Proposals - before);
        Assert.Equal(launches.Select(l => l.TaskId).Order(), agent.Launched.Order());
        Assert.All(launches, l => Assert.Equal(("a1", TaskState.Staging), (master.Task(l.TaskId)!.AgentId, master.Task(l.TaskId)!.State)));
    }

    /// <summary>The leader placed from a view that misses an entry committed before its batch: what no longer fits is not launched.</summary>
    [Fact]
    public async Task LaunchesTheStateNoLongerFitsAreNotSentAndReportedAsNotLaunched()
    {
        var (master, log, agent) = await NewLeaderWithAgentAsync();
        log.CommittedByPredecessor(new SubmitTask(5, "earlier", Spec(0.6)));
        log.CommittedByPredecessor(new AssignTask(6, "earlier", "a1"));

        var launched = await master.LaunchBatchAsync([new PlacedLaunch("fits", Spec(0.4), "a1"), new PlacedLaunch("over", Spec(0.4), "a1")],
            CancellationToken.None);

        Assert.Equal(["fits"], launched);
        Assert.Equal(["fits"], agent.Launched);
        Assert.Null(master.Task("over"));
        Assert.False(await master.LaunchPlacedAsync("over", Spec(0.4), "a1", CancellationToken.None));
        Assert.True(await master.LaunchPlacedAsync("small", Spec(0.0), "a1", CancellationToken.None));
    }

    [Fact]
    public async Task StagedTasksOfABatchAreSentAgainWhenTheirAgentRegistersAgainAndEachLaunchIsAnEvent()
    {
        var (master, _, first) = await NewLeaderWithAgentAsync();
        await master.LaunchBatchAsync([new PlacedLaunch("s.1", Spec(0.1), "a1"), new PlacedLaunch("s.2", Spec(0.1), "a1")], CancellationToken.None);
        Assert.True(await master.StatusUpdateAsync("a1", "s.1", TaskState.Running, null, null, null, CancellationToken.None));

        var again = new RecordingAgentFake();
        await master.AgentConnectedAsync(Agent, again, CancellationToken.None);

        Assert.Equal(["s.1", "s.2"], first.Launched.Order());
        Assert.Equal(["s.2"], again.Launched);
        var events = master.EventsAfter(0).Where(e => e.Kind == "task").Select(e => (e.Id, e.State, e.AgentId)).ToList();
        Assert.Equal([("s.1", "TASK_STAGING", "a1"), ("s.2", "TASK_STAGING", "a1"), ("s.1", "TASK_RUNNING", "a1")], events);
    }

    private static async Task<(MasterService, LaggingLogFake, RecordingAgentFake)> NewLeaderWithAgentAsync()
    {
        var master = new MasterService(TimeProvider.System, NullLogger.Instance);
        var log = new LaggingLogFake(master);
        master.Attach(log);
        var agent = new RecordingAgentFake();
        await master.AgentConnectedAsync(Agent, agent, CancellationToken.None);
        return (master, log, agent);
    }
}
