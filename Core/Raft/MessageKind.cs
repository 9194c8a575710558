namespace MiniMesos.Core.Raft;

/// <summary>Message kinds. Values are part of the future wire format: append only, never renumber.</summary>
internal enum MessageKind : byte
{
    PreVote = 0,
    PreVoteResponse = 1,
    Vote = 2,
    VoteResponse = 3,
    Append = 4,
    AppendResponse = 5,
    Heartbeat = 6,
    HeartbeatResponse = 7,
    InstallSnapshot = 8,
    TimeoutNow = 9,
}
