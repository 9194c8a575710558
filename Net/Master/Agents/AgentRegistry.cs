using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Master.Agents;

/// <summary>
/// The leader's agents: which are connected and on which channel, when each was last heard from, since when an absent
/// one has been silent or unreachable (on this leader's monotonic clock), which draining tasks were sent their kill,
/// and what each reports besides status (disk space, routing mesh). Leader memory only: a new leader learns it as the
/// agents reconnect. Its own lock, held for lookups and small updates only.
/// </summary>
internal sealed class AgentRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IAgentChannel> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _absentSince = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastHeard = new(StringComparer.Ordinal);

    /// <summary>
    /// Agent id -> when this leader first saw it unreachable: the gone timeout counts from there, not from the replicated
    /// wall-clock mark, so a clock jump cannot remove agents early. A new leader counts afresh.
    /// </summary>
    private readonly Dictionary<string, long> _unreachableSeen = new(StringComparer.Ordinal);

    private readonly HashSet<string> _drainKillsSent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (IAgentChannel Channel, long FreeMb, long TotalMb)> _disk = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MeshStatus> _meshes = new(StringComparer.Ordinal);

    /// <summary>The agent connected on <paramref name="channel"/> (replacing any earlier connection of it) at <paramref name="elapsed"/>.</summary>
    public void Connected(string agentId, IAgentChannel channel, long elapsed)
    {
        lock (_gate)
        {
            _channels[agentId] = channel;
            _absentSince.Remove(agentId);
            _lastHeard[agentId] = elapsed;
        }
    }

    /// <summary>
    /// The connection <paramref name="channel"/> ended; false when the agent has another one by now. Its silence counts
    /// from the last message heard, not from when the connection was found dead.
    /// </summary>
    public bool Disconnected(string agentId, IAgentChannel channel, long elapsed)
    {
        lock (_gate)
        {
            if (!_channels.TryGetValue(agentId, out var current) || current != channel) return false;
            _channels.Remove(agentId);
            _disk.Remove(agentId);
            _absentSince[agentId] = _lastHeard.GetValueOrDefault(agentId, elapsed);
            return true;
        }
    }

    /// <summary>Any message from a connected agent: it is alive now.</summary>
    public void Heard(string agentId, long elapsed)
    {
        lock (_gate) _lastHeard[agentId] = elapsed;
    }

    public IAgentChannel? Channel(string agentId)
    {
        lock (_gate) return _channels.GetValueOrDefault(agentId);
    }

    public bool IsConnected(string agentId)
    {
        lock (_gate) return _channels.ContainsKey(agentId);
    }

    public HashSet<string> ConnectedIds()
    {
        lock (_gate) return _channels.Keys.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The connected agents and their channels.</summary>
    public List<KeyValuePair<string, IAgentChannel>> Connections()
    {
        lock (_gate) return _channels.ToList();
    }

    /// <summary>This master stopped leading: forgets every agent and returns the channels to close.</summary>
    public IReadOnlyList<IAgentChannel> Release()
    {
        lock (_gate)
        {
            var channels = _channels.Values.ToList();
            _channels.Clear();
            _absentSince.Clear();
            _unreachableSeen.Clear();
            return channels;
        }
    }

    /// <summary>
    /// The health commands due (<see cref="AgentHealthPolicy.Expire"/>): agents silent past the unreachable timeout become
    /// unreachable, unreachable ones past the gone timeout are removed. Absences are brought up to date with the state first.
    /// </summary>
    public IReadOnlyList<ClusterCommand> Expiries(ClusterState state, long elapsed, long now, AgentTimeouts timeouts)
    {
        lock (_gate)
        {
            foreach (var id in state.Agents.Keys.Where(id => !_channels.ContainsKey(id))) _absentSince.TryAdd(id, elapsed);
            foreach (var id in _absentSince.Keys.Where(id => !state.Agents.ContainsKey(id)).ToList()) _absentSince.Remove(id);
            foreach (var id in state.UnreachableSince.Keys) _unreachableSeen.TryAdd(id, elapsed);
            foreach (var id in _unreachableSeen.Keys.Where(id => !state.UnreachableSince.ContainsKey(id)).ToList()) _unreachableSeen.Remove(id);
            var commands = AgentHealthPolicy.Expire(state, _absentSince, _unreachableSeen, elapsed, now, timeouts);
            foreach (var marked in commands.OfType<MarkAgentUnreachable>()) _unreachableSeen[marked.AgentId] = elapsed;
            return commands;
        }
    }

    /// <summary>The kills of tasks on draining agents not sent yet (<see cref="AgentHealthPolicy.DrainKills"/>); each is returned once.</summary>
    public IReadOnlyList<(string TaskId, string AgentId, TimeSpan Grace)> NewDrainKills(ClusterState state)
    {
        lock (_gate)
        {
            var kills = new List<(string TaskId, string AgentId, TimeSpan Grace)>();
            foreach (var kill in AgentHealthPolicy.DrainKills(state))
                if (_drainKillsSent.Add(kill.TaskId)) kills.Add(kill);
            _drainKillsSent.IntersectWith(state.Tasks.Values.Where(t => !t.State.IsTerminal()).Select(t => t.Id));
            return kills;
        }
    }

    /// <summary>A drain kill could not be sent: the next round tries again.</summary>
    public void DrainKillFailed(string taskId)
    {
        lock (_gate) _drainKillsSent.Remove(taskId);
    }

    /// <summary>An agent's ping on <paramref name="channel"/> said how much of its work dir's filesystem is free.</summary>
    public void DiskReported(string agentId, IAgentChannel channel, long freeMb, long totalMb)
    {
        if (freeMb < 0 || totalMb <= 0 || freeMb > totalMb) return;
        lock (_gate) _disk[agentId] = (channel, freeMb, totalMb);
    }

    /// <summary>Free and total MiB of the agent's work dir filesystem; null when it is not connected here or has not said.</summary>
    public (long FreeMb, long TotalMb)? Disk(string agentId)
    {
        lock (_gate)
        {
            return _disk.TryGetValue(agentId, out var d) && _channels.TryGetValue(agentId, out var current) && current == d.Channel
                ? (d.FreeMb, d.TotalMb)
                : null;
        }
    }

    /// <summary>An agent's routing mesh state as it last reported it.</summary>
    public void MeshReported(string agentId, MeshStatus status)
    {
        lock (_gate) _meshes[agentId] = status;
    }

    /// <summary>The agent's last mesh report, or null (no mesh, an older agent, or not connected here).</summary>
    public MeshStatus? Mesh(string agentId)
    {
        lock (_gate) return _channels.ContainsKey(agentId) ? _meshes.GetValueOrDefault(agentId) : null;
    }
}
