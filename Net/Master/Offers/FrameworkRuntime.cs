using MiniMesos.Core.Model;

namespace MiniMesos.Net.Master.Offers;

/// <summary>
/// What the leader keeps in memory about one external framework: its connection (null while away), since when it
/// is away, and which task states it has acknowledged or still has to (updates are resent until acknowledged).
/// </summary>
internal sealed class FrameworkRuntime
{
    public FrameworkSession? Session;
    public long DisconnectedSinceMs;
    public readonly Dictionary<string, TaskState> Acknowledged = new(StringComparer.Ordinal);
    public readonly Dictionary<string, (string Uuid, TaskState State, long SentAtMs)> Unacknowledged = new(StringComparer.Ordinal);
}
