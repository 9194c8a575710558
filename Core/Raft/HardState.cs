namespace MiniMesos.Core.Raft;

/// <summary>
/// The state Raft must find again after a crash (Figure 2 "persistent state"), plus the commit index so a restart
/// does not have to rediscover it. One row in storage. VotedFor is 0 when the node has not voted in <see cref="Term"/>.
/// </summary>
internal readonly record struct HardState(ulong Term, ulong VotedFor, ulong Commit);
