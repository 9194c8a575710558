namespace MiniMesos.Core.Model;

internal static class TaskStates
{
    public static bool IsTerminal(this TaskState state) =>
        state is TaskState.Finished or TaskState.Failed or TaskState.Killed or TaskState.Lost or TaskState.Gone;

    /// <summary>Known to be running or about to: not ended and not cut off with an unreachable agent.</summary>
    public static bool IsAlive(this TaskState state) => !state.IsTerminal() && state != TaskState.Unreachable;

    /// <summary>
    /// Whether an agent's update to <paramref name="update"/> tells anything new about a task in <paramref name="current"/>:
    /// not when the task has ended, nor when it repeats the state or goes back (a resent or late update), except out of
    /// TASK_UNREACHABLE (its agent is back). The state machine refuses going back the same way.
    /// </summary>
    public static bool IsNewsAfter(this TaskState update, TaskState current) =>
        !current.IsTerminal() && (update.IsTerminal() || update > current || (current == TaskState.Unreachable && update != current));

    public static string ToWire(this TaskState state) => state switch
    {
        TaskState.Staging => "TASK_STAGING",
        TaskState.Starting => "TASK_STARTING",
        TaskState.Running => "TASK_RUNNING",
        TaskState.Finished => "TASK_FINISHED",
        TaskState.Failed => "TASK_FAILED",
        TaskState.Killed => "TASK_KILLED",
        TaskState.Lost => "TASK_LOST",
        TaskState.Unreachable => "TASK_UNREACHABLE",
        TaskState.Gone => "TASK_GONE",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static bool TryParseWire(string? text, out TaskState state)
    {
        foreach (var candidate in Enum.GetValues<TaskState>())
        {
            if (candidate.ToWire() == text)
            {
                state = candidate;
                return true;
            }
        }
        state = default;
        return false;
    }
}
