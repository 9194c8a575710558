namespace MiniMesos.Net.Master;

/// <summary>
/// The disk space of each connected agent's work dir filesystem, as its pings last said. Kept in the leader's memory only
/// (like health reports): it changes all the time and means nothing to the replicated state; a new leader knows it from
/// each agent's first ping after reconnecting.
/// </summary>
internal sealed partial class MasterService
{
    private readonly Dictionary<string, (IAgentChannel Channel, long FreeMb, long TotalMb)> _disk = new(StringComparer.Ordinal);

    /// <summary>An agent's ping on <paramref name="channel"/> said how much of its work dir's filesystem is free.</summary>
    public void DiskReported(string agentId, IAgentChannel channel, long freeMb, long totalMb)
    {
        if (freeMb < 0 || totalMb <= 0 || freeMb > totalMb) return;
        lock (_gate) _disk[agentId] = (channel, freeMb, totalMb);
    }

    /// <summary>Free and total MiB of the agent's work dir filesystem; null when it is not connected here or has not said.</summary>
    public (long FreeMb, long TotalMb)? AgentDisk(string agentId)
    {
        lock (_gate)
        {
            return _disk.TryGetValue(agentId, out var d) && _channels.TryGetValue(agentId, out var current) && current == d.Channel
                ? (d.FreeMb, d.TotalMb)
                : null;
        }
    }
}
