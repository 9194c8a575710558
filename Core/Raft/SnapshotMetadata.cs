namespace MiniMesos.Core.Raft;

/// <summary>Where a snapshot ends in the log and which voters were in force there (needed once the log prefix is gone).</summary>
internal sealed record SnapshotMetadata(ulong Index, ulong Term, ClusterConfig Config);
