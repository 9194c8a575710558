namespace MiniMesos.Isolation.Fetch;

/// <summary>
/// Bounds on one task's fetch: bytes of one download, bytes and entries one archive unpacks to, the time all of a
/// task's URIs may take together, and the agent's whole cache (oldest entries go first past it).
/// </summary>
internal sealed record FetchLimits(
    long MaxDownloadBytes = 4L << 30,
    long MaxUnpackedBytes = 8L << 30,
    int MaxEntries = 100_000,
    int MaxNameBytes = 4096,
    TimeSpan? Timeout = null,
    long MaxCacheBytes = 4L << 30)
{
    public TimeSpan TotalTimeout => Timeout ?? TimeSpan.FromMinutes(15);
}
