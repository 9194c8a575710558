namespace MiniMesos.Core.Raft;

/// <summary>A state machine image that replaces the log up to <see cref="SnapshotMetadata.Index"/> (§7). Data is opaque to Raft.</summary>
internal sealed record Snapshot(SnapshotMetadata Metadata, byte[] Data);
