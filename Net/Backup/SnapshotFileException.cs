namespace MiniMesos.Net.Backup;

/// <summary>A snapshot file that must not be used: corrupt, truncated, foreign, from a newer version or for another token.</summary>
internal sealed class SnapshotFileException(string message) : Exception(message);
