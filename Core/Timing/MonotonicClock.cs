namespace MiniMesos.Core.Timing;

/// <summary>
/// Milliseconds of the monotonic clock behind a <see cref="TimeProvider"/> (its timestamps), for every timeout that
/// measures elapsed time. The wall clock (GetUtcNow) is for what is recorded or shown (when a task was submitted) and
/// for cron schedules only: a board without a real-time clock jumps it by hours at its first NTP sync, which must
/// neither mark agents lost nor delay a kill. The values have no meaning across processes or hosts.
/// </summary>
internal static class MonotonicClock
{
    /// <summary>The monotonic clock in milliseconds (an arbitrary origin; only differences mean something).</summary>
    public static long MonotonicMs(this TimeProvider time)
    {
        var ticks = time.GetTimestamp();
        var frequency = time.TimestampFrequency;
        return ticks / frequency * 1000 + ticks % frequency * 1000 / frequency;
    }
}
