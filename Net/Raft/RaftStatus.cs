using MiniMesos.Core.Raft;

namespace MiniMesos.Net.Raft;

/// <summary>A consistent view of the node for status pages and metrics; Stopped says why the loop died, if it did.</summary>
internal sealed record RaftStatus(ulong Id, RaftRole Role, ulong Term, ulong Leader, ulong Commit, ulong Applied,
    IReadOnlyList<ulong> Voters, string? Stopped)
{
    /// <summary>The index of the latest snapshot: the log is compacted through it.</summary>
    public ulong SnapshotIndex { get; init; }
}
