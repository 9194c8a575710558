using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Master;
using MiniMesos.Net.Master.Status;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;
using Xunit;

namespace MiniMesos.Tests.Master;

/// <summary>
/// An agent's session queues its status updates for their commits as it reads them (pipelined) and acknowledges them in
/// order: entries must reach the log in queue order, and no acknowledgement may go out before its commit or after a gap.
/// The logs here are in-memory fakes.
/// </summary>
public sealed class StatusPipelineTests
{
    private static readonly AgentRecord Agent = new("a1", "host1", new Resources(64, 65536), new Dictionary<string, string>(), 0);

    private static readonly TaskSpec Spec = new("t", ["true"], new Dictionary<string, string>(), new Resources(0.1, 1));

    private static UpdateTaskStatus Update(string task, TaskState state) => new(0, task, state, null, null, null);

    /// <summary>
    /// Two flushers: the first has taken TASK_STARTING and is proposing it when the second takes TASK_RUNNING. The first's
    /// proposal waits (bounded) for the second's: if the second could propose meanwhile, RUNNING would enter the log
    /// before STARTING.
    /// </summary>
    [Fact]
    public async Task EntriesReachTheLogInQueueOrderWhicheverFlusherTakesThem()
    {
        var order = new List<string>();
        var held = new List<TaskCompletionSource>();
        using var startingEntered = new ManualResetEventSlim();
        using var runningProposed = new ManualResetEventSlim();
        var batcher = new StatusBatcher(command =>
        {
            var update = Assert.IsType<UpdateTaskStatus>(command);
            if (update is { TaskId: "t.1", State: TaskState.Starting })
            {
                startingEntered.Set();
                runningProposed.Wait(TimeSpan.FromMilliseconds(500)); // must time out: the other flusher waits for us
            }
            lock (order) order.Add($"{update.TaskId}:{update.State}");
            if (update is { TaskId: "t.1", State: TaskState.Running }) runningProposed.Set();
            if (update.TaskId == "t.1") return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (held) held.Add(done);
            return done.Task;
        }, () => 0);

        // Four entries of other tasks in flight: every flusher is busy.
        var others = Enumerable.Range(0, 4).Select(i => batcher.CommitAsync(Update($"x.{i}", TaskState.Running), CancellationToken.None)).ToList();
        Assert.Equal(4, held.Count);
        var starting = batcher.CommitAsync(Update("t.1", TaskState.Starting), CancellationToken.None);
        held[0].SetResult(); // the first flusher takes STARTING and starts proposing it
        Assert.True(startingEntered.Wait(TimeSpan.FromSeconds(10)));
        var running = batcher.CommitAsync(Update("t.1", TaskState.Running), CancellationToken.None);
        held[1].SetResult(); // the second flusher is free now and takes RUNNING
        await Task.WhenAll(starting, running).WaitAsync(TimeSpan.FromSeconds(10));
        foreach (var h in held.Skip(2)) h.SetResult();
        await Task.WhenAll(others).WaitAsync(TimeSpan.FromSeconds(10));

        lock (order)
            Assert.True(order.IndexOf("t.1:Starting") < order.IndexOf("t.1:Running"), string.Join(", ", order));
    }

    [Fact]
    public async Task AnAgentsUpdatesQueuedBeforeTheFirstCommitsCommitInTheOrderSent()
    {
        var master = new MasterService(TimeProvider.System, NullLogger.Instance);
        var log = new HeldLogFake(master);
        master.Attach(log);
        var machine = (IRaftStateMachine)master;
        machine.Apply(1, CommandCodec.Encode(new AddAgent(0, Agent)));
        machine.Apply(2, CommandCodec.Encode(new LaunchTasks(0, [new PlacedLaunch("t.1", Spec, "a1")])));

        // As the session does: each queued (awaited) before the next is read, none committed yet.
        var commits = new List<Task<bool>>();
        foreach (var state in new[] { TaskState.Starting, TaskState.Running, TaskState.Finished })
            commits.Add(await master.QueueStatusUpdateAsync("a1", "t.1", state, state == TaskState.Finished ? 0 : null, null, null, CancellationToken.None));
        Assert.All(commits, c => Assert.False(c.IsCompleted));
        Assert.Equal(TaskState.Staging, master.Task("t.1")!.State);

        log.Release();
        Assert.All(await Task.WhenAll(commits), Assert.True);
        Assert.Equal([TaskState.Starting, TaskState.Running, TaskState.Finished],
            log.Proposed.SelectMany(e => e is UpdateTaskStatuses b ? b.Updates : [Assert.IsType<UpdateTaskStatus>(e)]).Select(u => u.State));
        Assert.Equal((TaskState.Finished, 0), (master.Task("t.1")!.State, master.Task("t.1")!.ExitCode));
    }

    [Fact]
    public async Task AcknowledgementsGoOutInTheOrderSentEachAfterItsCommit()
    {
        var sent = new List<string>();
        var failed = 0;
        var acks = new StatusAckQueue((id, _) => { lock (sent) sent.Add(id); return Task.CompletedTask; }, () => Interlocked.Increment(ref failed));
        var commits = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToList();
        for (var i = 0; i < 3; i++) acks.Add($"u{i}", commits[i].Task, CancellationToken.None);
        Assert.True(acks.IsWaiting("u1"));

        commits[2].SetResult(); // the last commits first: nothing may be acknowledged yet
        commits[1].SetResult();
        await Task.Yield();
        lock (sent) Assert.Empty(sent);
        commits[0].SetResult();
        await WaitUntil(() => { lock (sent) return sent.Count == 3; });
        lock (sent) Assert.Equal(["u0", "u1", "u2"], sent);
        await WaitUntil(() => !acks.IsWaiting("u2"));
        Assert.Equal(0, failed);
    }

    [Fact]
    public async Task AFailedCommitEndsTheSessionAndNothingAfterItIsAcknowledged()
    {
        var sent = new List<string>();
        var failed = 0;
        var acks = new StatusAckQueue((id, _) => { lock (sent) sent.Add(id); return Task.CompletedTask; }, () => Interlocked.Increment(ref failed));
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        acks.Add("u0", first.Task, CancellationToken.None);
        acks.Add("u1", Task.CompletedTask, CancellationToken.None); // committed, but after a gap
        first.SetException(new NotLeaderException(0, "elsewhere"));

        await WaitUntil(() => Volatile.Read(ref failed) >= 1 && !acks.IsWaiting("u1"));
        lock (sent) Assert.Empty(sent);
        acks.Abandon();
    }

    [Fact]
    public async Task ASessionReadsNoFurtherWhileMaxInFlightUpdatesWait()
    {
        var acks = new StatusAckQueue((_, _) => Task.CompletedTask, () => { });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < StatusAckQueue.MaxInFlight; i++) acks.Add($"u{i}", gate.Task, CancellationToken.None);
        var room = acks.WaitForRoomAsync();
        Assert.False(room.IsCompleted);
        gate.SetResult();
        await room.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }
}
