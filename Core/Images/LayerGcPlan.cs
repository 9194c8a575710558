namespace MiniMesos.Core.Images;

/// <summary>An unpacked layer as GC sees it: its key (diff ID hex), size on disk and when a task last used it.</summary>
internal sealed record StoredLayer(string Key, long Bytes, long LastUsedTicks);

/// <summary>
/// Which unpacked layers to delete: never one an image the agent keeps or a running task uses; every other one idle
/// longer than <c>maxIdle</c>; then, while the store is over <c>maxBytes</c>, the least recently used of the rest.
/// Never a layer used at or after <c>protectUsedSinceTicks</c> either: the start of the oldest provisioning still in
/// flight, whose layers are unpacked or touched one by one before a task holds them. Pure: the clock is passed in as ticks.
/// </summary>
internal static class LayerGcPlan
{
    public static IReadOnlyList<string> Victims(IReadOnlyCollection<StoredLayer> layers, IReadOnlySet<string> inUse, long nowTicks, long maxIdleTicks, long maxBytes,
        long protectUsedSinceTicks = long.MaxValue)
    {
        var victims = new List<string>();
        var total = layers.Sum(l => l.Bytes);
        foreach (var layer in layers.Where(l => !inUse.Contains(l.Key) && l.LastUsedTicks < protectUsedSinceTicks).OrderBy(l => l.LastUsedTicks).ThenBy(l => l.Key, StringComparer.Ordinal))
        {
            if (nowTicks - layer.LastUsedTicks > maxIdleTicks || total > maxBytes)
            {
                victims.Add(layer.Key);
                total -= layer.Bytes;
            }
        }
        return victims;
    }
}
