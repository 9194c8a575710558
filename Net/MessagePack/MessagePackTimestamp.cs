namespace MiniMesos.Net.MessagePack;

/// <summary>
/// The timestamp extension's exact value (seconds since the Unix epoch, nanoseconds 0..999,999,999).
/// Kept apart from DateTimeOffset because timestamp96 spans far more than DateTimeOffset and has 1 ns
/// resolution against its 100 ns.
/// </summary>
internal readonly record struct MessagePackTimestamp(long Seconds, uint Nanoseconds)
{
    public const uint NanosecondsPerSecond = 1_000_000_000;
    private const long TicksPerSecond = TimeSpan.TicksPerSecond;

    public static MessagePackTimestamp FromDateTimeOffset(DateTimeOffset value)
    {
        long ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        // Floor division so instants before 1970 get negative seconds and positive nanoseconds.
        long seconds = Math.DivRem(ticks, TicksPerSecond, out long rem);
        if (rem < 0)
        {
            seconds--;
            rem += TicksPerSecond;
        }
        return new MessagePackTimestamp(seconds, (uint)(rem * 100));
    }

    /// <summary>Converts, truncating to 100 ns; throws MessagePackException outside DateTimeOffset's range.</summary>
    public DateTimeOffset ToDateTimeOffset()
    {
        const long minSeconds = -62135596800; // 0001-01-01
        const long maxSeconds = 253402300799; // 9999-12-31T23:59:59
        if (Seconds < minSeconds || Seconds > maxSeconds)
            throw new MessagePackException($"timestamp {Seconds}s is outside the range of DateTimeOffset");
        long ticks = DateTimeOffset.UnixEpoch.UtcTicks + Seconds * TicksPerSecond + Nanoseconds / 100;
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    public override string ToString() => $"{Seconds}.{Nanoseconds:D9}s";
}
