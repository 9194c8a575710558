namespace MiniMesos.Net.Raft;

/// <summary>This master cannot accept the change: it is not the leader (LeaderId names the leader when known, else 0).</summary>
internal sealed class NotLeaderException(ulong leaderId, string message) : Exception(message)
{
    public ulong LeaderId { get; } = leaderId;
}
