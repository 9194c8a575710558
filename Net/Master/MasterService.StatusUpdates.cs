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
        lock (_gate) return _state.Tasks.TryGetValue(taskId, out var task) && task.AgentId == agentId && !task.State.IsTerminal();
    }
}
