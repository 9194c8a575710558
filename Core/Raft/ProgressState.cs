namespace MiniMesos.Core.Raft;

/// <summary>How the leader talks to one follower.</summary>
internal enum ProgressState : byte
{
    /// <summary>Unsure where the logs agree: one append at a time, backtracking on rejection.</summary>
    Probe = 0,
    /// <summary>Logs agree up to Match: stream appends optimistically, up to the inflight limit (pipelining).</summary>
    Replicate = 1,
    /// <summary>The follower needs entries we compacted: a snapshot is on its way.</summary>
    Snapshot = 2,
}
