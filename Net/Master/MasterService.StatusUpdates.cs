using Microsoft.Extensions.Logging;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;

namespace MiniMesos.Net.Master;

internal sealed partial class MasterService
{
    /// <summary>Commits a status update from the agent that runs the task; false when it does not apply.</summary>
    public async Task<bool> StatusUpdateAsync(string agentId, string taskId, TaskState state, int? exitCode, int? signal, string? message,
        CancellationToken cancellationToken) =>
        await (await QueueStatusUpdateAsync(agentId, taskId, state, exitCode, signal, message, cancellationToken).ConfigureAwait(false))
            .ConfigureAwait(false);

    /// <summary>
    /// The first half of <see cref="StatusUpdateAsync"/>: decides whether the update applies (after a read barrier when
    /// that is needed) and queues it for its commit. Completes once it is queued, with the task of its commit: true once
    /// committed and applied here, false when it does not apply. Updates queued one after another (an agent's session
    /// awaits each queuing before it reads the next) reach the log in that order (<see cref="Status.StatusBatcher"/>),
    /// so a session may read and queue an agent's next update while the previous one commits.
    /// </summary>
    public async Task<Task<bool>> QueueStatusUpdateAsync(string agentId, string taskId, TaskState state, int? exitCode, int? signal,
        string? message, CancellationToken cancellationToken)
    {
        if (UpdateIsStale(agentId, taskId, state)) return System.Threading.Tasks.Task.FromResult(false);
        if (!UpdateApplies(agentId, taskId))
        {
            // Judged again once everything committed is applied here (see UpdateApplies); throws when not the leader.
            await (_log ?? throw new InvalidOperationException("no replicated log attached")).ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
            if (!UpdateApplies(agentId, taskId)) return System.Threading.Tasks.Task.FromResult(false);
        }
        message = KillMessage(taskId, state, message);
        var commit = _statuses.CommitAsync(new UpdateTaskStatus(Now(), taskId, state, exitCode, signal, message), cancellationToken);
        return CommittedAsync(commit, taskId, state, exitCode, signal);
    }

    private async Task<bool> CommittedAsync(Task commit, string taskId, TaskState state, int? exitCode, int? signal)
    {
        await commit.ConfigureAwait(false);
        logger.LogInformation("task {Task} is {State}{Detail}", taskId, state.ToWire(),
            exitCode is { } c ? $" (exit code {c})" : signal is { } s ? $" (signal {s})" : "");
        if (state.IsTerminal()) Kick();
        return true;
    }

    /// <summary>
    /// Whether a status update from <paramref name="agentId"/> for <paramref name="taskId"/> applies to the state
    /// as applied here: the task exists, is assigned to that agent and has not ended. A "no" may be stale on a
    /// leader just elected: Raft gives it every entry its predecessor committed, but it applies them only once
    /// an entry of its own term commits, so the AssignTask (or an earlier update) of a task that ran may not be
    /// applied yet. Refusing (and acknowledging) then loses the update for good, and the task stays RUNNING;
    /// <see cref="StatusUpdateAsync"/> therefore asks again after a read barrier.
    /// </summary>
    private bool UpdateApplies(string agentId, string taskId)
    {
        return Read(s => s.Tasks.GetValueOrDefault(taskId)) is { } task && task.AgentId == agentId && !task.State.IsTerminal();
    }

    /// <summary>
    /// Whether the task on that agent is already in <paramref name="state"/> or past it, as applied here: the update is
    /// one the agent resent (it resends what is not acknowledged yet, every heartbeat) or a late one, and committing it
    /// would change nothing. Applied means committed, and the applied state only moves on, so no read barrier is needed.
    /// Acknowledging such an update without a commit matters under load: each agent's updates commit one by one, and an
    /// agent whose updates queue up resends them all every heartbeat, which, committed again, made the queue grow.
    /// </summary>
    private bool UpdateIsStale(string agentId, string taskId, TaskState state)
    {
        return Read(s => s.Tasks.GetValueOrDefault(taskId)) is { } task && task.AgentId == agentId && !state.IsNewsAfter(task.State);
    }
}
