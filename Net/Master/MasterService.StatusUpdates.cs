using MiniMesos.Core.Model;

namespace MiniMesos.Net.Master;

internal sealed partial class MasterService
{
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
