using MiniMesos.Core.Model;

namespace MiniMesos.Core.State;

/// <summary>
/// Agent health and maintenance, replicated like the rest: when an agent became unreachable (the gone timeout
/// counts from it, so it survives a fail-over) and which agents are draining with what kill grace period.
/// </summary>
internal sealed partial class ClusterState
{
    private readonly Dictionary<string, long> _unreachableSince = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _drainGraceMs = new(StringComparer.Ordinal);

    /// <summary>Agents marked unreachable, with the time they were marked.</summary>
    public IReadOnlyDictionary<string, long> UnreachableSince => _unreachableSince;

    /// <summary>Draining (or drained) agents, with the kill grace period for their tasks.</summary>
    public IReadOnlyDictionary<string, long> DrainGraceMs => _drainGraceMs;

    public AgentMode Mode(string agentId)
    {
        if (_unreachableSince.ContainsKey(agentId)) return AgentMode.Unreachable;
        if (!_drainGraceMs.ContainsKey(agentId)) return AgentMode.Active;
        return LiveTasksOn(agentId).Any() ? AgentMode.Draining : AgentMode.Drained;
    }

    /// <summary>Whether new tasks may be placed on the agent (registered, reachable, not draining).</summary>
    public bool AcceptsTasks(string agentId) =>
        _agents.ContainsKey(agentId) && !_unreachableSince.ContainsKey(agentId) && !_drainGraceMs.ContainsKey(agentId);

    /// <summary>Restores the health section of a snapshot (after <see cref="Restore"/>); unknown agents are ignored.</summary>
    public void RestoreAgentHealth(IEnumerable<(string AgentId, long? UnreachableSinceMs, long? DrainGraceMs)> health)
    {
        foreach (var (id, since, grace) in health)
        {
            if (!_agents.ContainsKey(id)) continue;
            if (since is { } s) _unreachableSince[id] = s;
            if (grace is { } g) _drainGraceMs[id] = g;
        }
    }

    private bool ApplyAgentHealth(ClusterCommand command)
    {
        switch (command)
        {
            case MarkAgentUnreachable c:
                if (!_agents.ContainsKey(c.AgentId) || _unreachableSince.ContainsKey(c.AgentId)) return false;
                _unreachableSince[c.AgentId] = c.AtMs;
                SetTasksOf(c.AgentId, TaskState.Unreachable, c.AtMs, c.Reason);
                return true;
            case SetAgentDrain c:
                if (!_agents.ContainsKey(c.AgentId)) return false;
                if (c.Draining) _drainGraceMs[c.AgentId] = Math.Max(0, c.GraceMs);
                else if (!_drainGraceMs.Remove(c.AgentId)) return false;
                return true;
            case RemoveAgentGone c:
                if (!_agents.Remove(c.AgentId)) return false;
                ForgetAgentHealth(c.AgentId);
                SetTasksOf(c.AgentId, TaskState.Gone, c.AtMs, c.Reason);
                return true;
            default:
                return false;
        }
    }

    private void SetTasksOf(string agentId, TaskState state, long atMs, string reason)
    {
        foreach (var task in LiveTasksOn(agentId).ToList())
            SetTask(task with { State = state, UpdatedAtMs = atMs, Message = reason });
    }

    /// <summary>Drops one agent's health entries, or all of them (null).</summary>
    private void ForgetAgentHealth(string? agentId)
    {
        if (agentId is null)
        {
            _unreachableSince.Clear();
            _drainGraceMs.Clear();
            return;
        }
        _unreachableSince.Remove(agentId);
        _drainGraceMs.Remove(agentId);
    }
}
