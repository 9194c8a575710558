using MiniMesos.Net.Http;
using Xunit;

namespace MiniMesos.Tests.Marathon;

/// <summary>
/// An app's version stamps: every change gets a stamp later than the app's last one, also when the clock has not yet
/// left that stamp's millisecond (a PUT right after the POST). An equal stamp would be no new version: the state keeps
/// no older version for it and /versions loses the replaced definition.
/// </summary>
public sealed class MarathonVersionStampTests
{
    /// <summary>A fake wall clock at a fixed instant (unit test only).</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static readonly DateTimeOffset Previous = new(2026, 12, 6, 20, 45, 1, 958, TimeSpan.Zero);

    [Theory]
    [InlineData(0)] // the very same instant
    [InlineData(1)] // one tick later, the same millisecond
    [InlineData(5_000)] // half a millisecond later
    [InlineData(9_999)] // the millisecond's last tick
    public void AStampWithinThePreviousMillisecondIsTheNextMillisecond(long ticks)
    {
        var stamp = MarathonViews.NewVersion(new FixedClock(Previous.AddTicks(ticks)), "2026-12-06T20:45:01.958Z");
        Assert.Equal("2026-12-06T20:45:01.959Z", stamp);
    }

    [Fact]
    public void AStampAfterThePreviousMillisecondIsTheClocksOwn()
    {
        Assert.Equal("2026-12-06T20:45:01.960Z", MarathonViews.NewVersion(new FixedClock(Previous.AddTicks(20_500)), "2026-12-06T20:45:01.958Z"));
        Assert.Equal("2026-12-06T20:45:01.958Z", MarathonViews.NewVersion(new FixedClock(Previous.AddTicks(4_000)), null));
    }

    [Fact]
    public void AClockBehindThePreviousStampStillMovesForward()
    {
        Assert.Equal("2026-12-06T20:45:01.959Z", MarathonViews.NewVersion(new FixedClock(Previous.AddSeconds(-3)), "2026-12-06T20:45:01.958Z"));
    }
}
