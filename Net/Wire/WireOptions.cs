namespace MiniMesos.Net.Wire;

/// <summary>Limits and timeouts of one framed connection.</summary>
internal sealed record WireOptions
{
    public const int DefaultMaxFrameBytes = 16 * 1024 * 1024;

    /// <summary>Largest payload accepted or sent; a bigger length prefix fails before anything is allocated.</summary>
    public int MaxFrameBytes { get; init; } = DefaultMaxFrameBytes;

    /// <summary>Time allowed for the rest of a frame once its first byte has arrived (slow-loris guard).</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed between frames; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Time allowed to hand one frame to the stream (a peer that stops reading must not block us forever).</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public static WireOptions Default { get; } = new();

    /// <summary>
    /// Cluster-port connections: every peer sends something at least every 3 s (agent pings, Raft heartbeats,
    /// master gossip), so 6 s of silence means the peer or the path is gone (a cut cable closes nothing).
    /// </summary>
    public static WireOptions Cluster { get; } = new() { IdleTimeout = TimeSpan.FromSeconds(6) };
}
