using System.Globalization;

namespace MiniMesos.Net.Backup;

/// <summary>A snapshot header as JSON (`snapshot inspect --json`, the answer of a restore).</summary>
internal sealed record SnapshotInfo(int Format, string Cluster, string KeyId, ulong Index, ulong Term, string CreatedAt, string WrittenBy,
    int StateFormat, SnapshotCounts Counts)
{
    public static SnapshotInfo From(SnapshotHeader h) => new(SnapshotFile.Format, h.Cluster, Convert.ToHexStringLower(h.KeyId), h.Index, h.Term,
        DateTimeOffset.FromUnixTimeMilliseconds(h.CreatedAtMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        h.WrittenBy, h.StateFormat, h.Counts);
}
