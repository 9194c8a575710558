namespace MiniMesos.Core.Raft;

internal enum ProposeStatus : byte
{
    Accepted = 0,
    /// <summary>This node is not the leader; <see cref="ProposeResult.LeaderHint"/> names the leader if known.</summary>
    NotLeader = 1,
    /// <summary>The leader refuses for now (leadership transfer in progress, or a config change is still pending).</summary>
    Dropped = 2,
}
