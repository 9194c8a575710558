namespace MiniMesos.Net.Master;

/// <summary>
/// The disk space of each connected agent's work dir filesystem, as its pings last said (Agents/AgentRegistry). Kept in
/// the leader's memory only (like health reports): it changes all the time and means nothing to the replicated state; a
/// new leader knows it from each agent's first ping after reconnecting.
/// </summary>
internal sealed partial class MasterService
{
    /// <summary>An agent's ping on <paramref name="channel"/> said how much of its work dir's filesystem is free.</summary>
    public void DiskReported(string agentId, IAgentChannel channel, long freeMb, long totalMb) => _agents.DiskReported(agentId, channel, freeMb, totalMb);

    /// <summary>Free and total MiB of the agent's work dir filesystem; null when it is not connected here or has not said.</summary>
    public (long FreeMb, long TotalMb)? AgentDisk(string agentId) => _agents.Disk(agentId);
}
