namespace MiniMesos.Tests.Master.Simulation;

/// <summary>
/// The simulation's clock: time moves only when the simulation advances it (no timers are ever created). Its monotonic
/// timestamps (milliseconds) and its wall clock advance together, unless <see cref="JumpWall"/> moves the wall clock alone.
/// </summary>
internal sealed class SimClock : TimeProvider
{
    /// <summary>An arbitrary fixed start, so ids and timestamps of a replayed seed are identical.</summary>
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private long _wallOffsetMs;

    public long NowMs { get; private set; }

    public void Advance(long ms) => NowMs += ms;

    /// <summary>The wall clock jumps (an NTP sync on a board without an RTC); monotonic time does not.</summary>
    public void JumpWall(long ms) => _wallOffsetMs += ms;

    public override DateTimeOffset GetUtcNow() => Start.AddMilliseconds(NowMs + _wallOffsetMs);

    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => NowMs;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new InvalidOperationException("the simulation has no timers: everything is driven by its loop");
}
