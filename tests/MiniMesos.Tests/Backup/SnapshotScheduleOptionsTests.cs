using MiniMesos.Net.Cli;
using Xunit;

namespace MiniMesos.Tests.Backup;

/// <summary>--snapshot-interval's durations.</summary>
public sealed class SnapshotScheduleOptionsTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("1h", 3600)]
    [InlineData("1.5d", 129600)]
    public void SnapshotIntervalsParse(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), SnapshotScheduleOptions.ParseDuration(text));

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("-1h")]
    [InlineData("1w")]
    [InlineData("h")]
    public void BadSnapshotIntervalsAreRefused(string text) => Assert.Null(SnapshotScheduleOptions.ParseDuration(text));
}
