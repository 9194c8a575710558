using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Master;
using Xunit;

namespace MiniMesos.Tests.Master;

/// <summary>
/// A status update reaching a leader just elected, before it has applied what its predecessor committed:
/// the update must be judged on the complete state, not refused (and acknowledged, so lost) on a stale one.
/// </summary>
public sealed class StatusUpdateAfterFailoverTests
{
    private static readonly TaskSpec Spec = new("t", ["/bin/true"], new Dictionary<string, string>(), new Resources(0.1, 32));
    private static readonly AgentRecord Agent = new("a1", "host1", new Resources(2, 1024), new Dictionary<string, string>(), 0);

    [Fact]
    public async Task UpdateForATaskWhoseAssignmentIsNotAppliedYetIsCommitted()
    {
        var (master, log) = NewLeader();
        log.Apply(new AddAgent(1, Agent));
        log.Apply(new SubmitTask(2, "t.1", Spec));
        // The previous leader committed the placement and the task's RUNNING; this leader has not applied them yet.
        log.CommittedByPredecessor(new AssignTask(3, "t.1", "a1"));
        log.CommittedByPredecessor(new UpdateTaskStatus(4, "t.1", TaskState.Running, null, null, null));

        var applied = await master.StatusUpdateAsync("a1", "t.1", TaskState.Finished, 0, null, null, CancellationToken.None);

        Assert.True(applied);
        Assert.Equal(TaskState.Finished, master.Task("t.1")!.State);
        Assert.Equal(0, master.Task("t.1")!.ExitCode);
    }

    [Fact]
    public async Task UpdateForATaskNotYetKnownHereIsCommitted()
    {
        var (master, log) = NewLeader();
        log.Apply(new AddAgent(1, Agent));
        log.CommittedByPredecessor(new SubmitTask(2, "t.2", Spec));
        log.CommittedByPredecessor(new AssignTask(3, "t.2", "a1"));

        Assert.True(await master.StatusUpdateAsync("a1", "t.2", TaskState.Running, null, null, null, CancellationToken.None));
        Assert.Equal(TaskState.Running, master.Task("t.2")!.State);
    }

    [Fact]
    public async Task UpdateThatCannotApplyIsStillRefused()
    {
        var (master, log) = NewLeader();
        log.Apply(new AddAgent(1, Agent));
        log.Apply(new AddAgent(1, Agent with { Id = "a2" }));
        log.Apply(new SubmitTask(2, "t.3", Spec));
        log.Apply(new AssignTask(3, "t.3", "a2"));

        // From an agent the task is not assigned to, and for a task that does not exist: refused after the barrier.
        Assert.False(await master.StatusUpdateAsync("a1", "t.3", TaskState.Finished, 0, null, null, CancellationToken.None));
        Assert.False(await master.StatusUpdateAsync("a1", "nope", TaskState.Finished, 0, null, null, CancellationToken.None));
        Assert.Equal(2, log.Barriers);
        Assert.Equal(TaskState.Staging, master.Task("t.3")!.State);
    }

    private static (MasterService Master, LaggingLogFake Log) NewLeader()
    {
        var master = new MasterService(TimeProvider.System, NullLogger.Instance);
        var log = new LaggingLogFake(master);
        master.Attach(log);
        return (master, log);
    }
}
