using MiniMesos.Core.Model;

namespace MiniMesos.Core.State;

/// <summary>
/// Turns one applied command into the events it caused, by comparing what it touched before and after: tasks and
/// agents, and apps created, changed or removed (app_updated with the app's version as message, app_removed).
/// </summary>
internal static class ClusterEvents
{
    /// <summary>The records a command may change, captured before it is applied.</summary>
    public static IReadOnlyList<TaskRecord?> Before(ClusterState state, ClusterCommand command) => command switch
    {
        SubmitTask c => new List<TaskRecord?> { state.Tasks.GetValueOrDefault(c.TaskId) },
        AssignTask c => new List<TaskRecord?> { state.Tasks.GetValueOrDefault(c.TaskId) },
        UpdateTaskStatus c => new List<TaskRecord?> { state.Tasks.GetValueOrDefault(c.TaskId) },
        LaunchTasks c => c.Launches.Select(l => state.Tasks.GetValueOrDefault(l.TaskId)).ToList(),
        UpdateTaskStatuses c => c.Updates.Select(u => state.Tasks.GetValueOrDefault(u.TaskId)).ToList(),
        RemoveAgent c => state.Tasks.Values.Where(t => t.AgentId == c.AgentId).ToList<TaskRecord?>(),
        AgentRegistration c => state.LiveTasksOn(c.Agent.Id).ToList<TaskRecord?>(),
        MarkAgentUnreachable c => state.Tasks.Values.Where(t => t.AgentId == c.AgentId).ToList<TaskRecord?>(),
        RemoveAgentGone c => state.Tasks.Values.Where(t => t.AgentId == c.AgentId).ToList<TaskRecord?>(),
        _ => new List<TaskRecord?>(),
    };

    public static IEnumerable<ClusterEvent> After(ClusterState state, ClusterCommand command, IReadOnlyList<TaskRecord?> before, long firstSeq)
    {
        var seq = firstSeq;
        switch (command)
        {
            case AddAgent c:
                yield return new ClusterEvent(seq++, c.AtMs, "agent_registered", c.Agent.Id, null, c.Agent.Id, null, null, c.Agent.Hostname);
                break;
            case AgentRegistration c:
                yield return new ClusterEvent(seq++, c.AtMs, "agent_registered", c.Agent.Id, null, c.Agent.Id, null, null, c.Agent.Hostname);
                break;
            case RemoveAgent c when !state.Agents.ContainsKey(c.AgentId):
                yield return new ClusterEvent(seq++, c.AtMs, "agent_removed", c.AgentId, null, c.AgentId, null, null, c.Reason);
                break;
            case MarkAgentUnreachable c:
                yield return new ClusterEvent(seq++, c.AtMs, "agent_unreachable", c.AgentId, "unreachable", c.AgentId, null, null, c.Reason);
                break;
            case RemoveAgentGone c:
                yield return new ClusterEvent(seq++, c.AtMs, "agent_removed", c.AgentId, "gone", c.AgentId, null, null, c.Reason);
                break;
            case PutApp c:
                yield return new ClusterEvent(seq++, c.AtMs, "app_updated", c.App.Id, null, null, null, null, c.App.LastChange);
                break;
            case RemoveApp c:
                yield return new ClusterEvent(seq++, c.AtMs, "app_removed", c.AppId, null, null, null, null, null);
                break;
            case SetAgentDrain c:
                yield return new ClusterEvent(seq++, c.AtMs, c.Draining ? "agent_draining" : "agent_reactivated", c.AgentId,
                    c.Draining ? "draining" : "active", c.AgentId, null, null, c.Draining ? $"kill grace {c.GraceMs} ms" : null);
                break;
        }
        var ids = command switch
        {
            SubmitTask c => [c.TaskId],
            AssignTask c => [c.TaskId],
            UpdateTaskStatus c => [c.TaskId],
            LaunchTasks c => c.Launches.Select(l => l.TaskId).ToList(),
            UpdateTaskStatuses c => c.Updates.Select(u => u.TaskId).Distinct(StringComparer.Ordinal).ToList(),
            RemoveAgent or MarkAgentUnreachable or RemoveAgentGone or AgentRegistration => before.Where(t => t is not null).Select(t => t!.Id).ToList(),
            _ => new List<string>(),
        };
        var wasById = new Dictionary<string, TaskRecord>(StringComparer.Ordinal);
        foreach (var t in before) if (t is not null) wasById[t.Id] = t;
        foreach (var id in ids)
        {
            var now = state.Tasks.GetValueOrDefault(id);
            var was = wasById.GetValueOrDefault(id);
            if (now is null || now == was) continue;
            yield return new ClusterEvent(seq++, command.AtMs, "task", id, now.State.ToWire(), now.AgentId, now.ExitCode, now.Signal, now.Message);
        }
    }
}
