using MiniMesos.Core.Model;

namespace MiniMesos.Core.State;

/// <summary>
/// The leader's agent-health decisions as functions of the replicated state and the time: which silent agents
/// become unreachable or gone, how a returning agent's tasks are reconciled (see AgentRegistration), what a drain kills. Pure.
/// </summary>
internal static class AgentHealthPolicy
{
    /// <summary>
    /// Commands for agents silent since <paramref name="silentSinceMs"/>: unreachable after
    /// <see cref="AgentTimeouts.Unreachable"/>, removed as gone <see cref="AgentTimeouts.Gone"/> after
    /// <paramref name="unreachableSeenMs"/> (when the leader saw them unreachable). Both are the leader's own observations
    /// on its monotonic clock, as is <paramref name="elapsedMs"/>; <paramref name="nowMs"/> (wall) only stamps the commands.
    /// </summary>
    public static IReadOnlyList<ClusterCommand> Expire(ClusterState state, IReadOnlyDictionary<string, long> silentSinceMs,
        IReadOnlyDictionary<string, long> unreachableSeenMs, long elapsedMs, long nowMs, AgentTimeouts timeouts)
    {
        var commands = new List<ClusterCommand>();
        foreach (var id in state.Agents.Keys.Order(StringComparer.Ordinal))
        {
            if (state.UnreachableSince.ContainsKey(id))
            {
                if (unreachableSeenMs.TryGetValue(id, out var seen) && elapsedMs - seen >= timeouts.Gone.TotalMilliseconds)
                    commands.Add(new RemoveAgentGone(nowMs, id, $"agent {id} was unreachable for {Seconds(timeouts.Gone)}: removed"));
            }
            else if (silentSinceMs.TryGetValue(id, out var silent) && elapsedMs - silent >= timeouts.Unreachable.TotalMilliseconds)
            {
                commands.Add(new MarkAgentUnreachable(nowMs, id, $"agent {id} has been silent for {Seconds(timeouts.Unreachable)}"));
            }
        }
        return commands;
    }

    /// <summary>
    /// A registering agent's report against the state: tasks it runs that were unreachable resume (RUNNING), those it has
    /// but does not run are STAGING until their update; tasks the master had there but the agent does not know are LOST. Applied inside <see cref="AgentRegistration"/>, against the state
    /// that entry commits into, so the agent's return and its tasks' states are one step (nothing is placed in between).
    /// </summary>
    public static IReadOnlyList<UpdateTaskStatus> Resume(ClusterState state, string agentId, AgentReport report, long nowMs)
    {
        var updates = new List<UpdateTaskStatus>();
        foreach (var task in state.LiveTasksOn(agentId))
        {
            if (report.Running.Contains(task.Id))
            {
                if (task.State == TaskState.Unreachable)
                    updates.Add(new UpdateTaskStatus(nowMs, task.Id, TaskState.Running, null, null, "its agent is back"));
            }
            else if (report.Known.Contains(task.Id))
            {
                // It has the task but does not run it: launching, or ended while away with its update still to come. It
                // counts again (STAGING) from this step on, so no placement takes its place, and a late update of it (even
                // a stale RUNNING resent before its end) moves it forward as usual.
                if (task.State == TaskState.Unreachable)
                    updates.Add(new UpdateTaskStatus(nowMs, task.Id, TaskState.Staging, null, null, "its agent is back and has it, not running: its update follows"));
            }
            else if (task.State is TaskState.Starting or TaskState.Running or TaskState.Unreachable)
            {
                updates.Add(new UpdateTaskStatus(nowMs, task.Id, TaskState.Lost, null, null, $"agent {agentId} re-registered without this task"));
            }
        }
        return updates;
    }

    /// <summary>Processes the agent runs that the state does not place there (unknown, ended, expunged or placed elsewhere): to be killed.</summary>
    public static IReadOnlyList<string> Strays(ClusterState state, string agentId, AgentReport report)
    {
        var kill = new List<string>();
        foreach (var id in report.Running.Order(StringComparer.Ordinal))
        {
            var task = state.Tasks.GetValueOrDefault(id);
            if (task is null || task.AgentId != agentId || task.State.IsTerminal()) kill.Add(id);
        }
        return kill;
    }

    /// <summary>Tasks still alive on draining agents, with the grace period to kill them with.</summary>
    public static IReadOnlyList<(string TaskId, string AgentId, TimeSpan Grace)> DrainKills(ClusterState state)
    {
        var tasks = new List<TaskRecord>();
        foreach (var t in state.Tasks.Values)
            if (t.AgentId is { } a && state.DrainGraceMs.ContainsKey(a) && !t.State.IsTerminal()) tasks.Add(t);
        tasks.Sort((x, y) => string.CompareOrdinal(x.Id, y.Id)); // ids are unique: no ties to keep in order
        var kills = new List<(string TaskId, string AgentId, TimeSpan Grace)>(tasks.Count);
        foreach (var t in tasks) kills.Add((t.Id, t.AgentId!, TimeSpan.FromMilliseconds(state.DrainGraceMs[t.AgentId!])));
        return kills;
    }

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.###} s";
}
