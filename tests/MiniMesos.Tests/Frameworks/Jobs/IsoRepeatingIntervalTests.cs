using System.Globalization;
using MiniMesos.Core.Frameworks.Jobs;
using Xunit;

namespace MiniMesos.Tests.Frameworks.Jobs;

public sealed class IsoRepeatingIntervalTests
{
    private static DateTimeOffset T(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    [Theory]
    [InlineData("R5/2026-01-01T00:00:00Z/PT1H", "2025-06-01T00:00:00Z", "2026-01-01T00:00:00Z")]
    [InlineData("R5/2026-01-01T00:00:00Z/PT1H", "2026-01-01T02:30:00Z", "2026-01-01T03:00:00Z")]
    [InlineData("R5/2026-01-01T00:00:00Z/PT1H", "2026-01-01T04:00:00Z", null)]
    [InlineData("R/2026-01-01T00:00:00Z/P1D", "2030-06-15T12:00:00Z", "2030-06-16T00:00:00Z")]
    [InlineData("R/2026-01-31T00:00:00Z/P1M", "2026-02-01T00:00:00Z", "2026-02-28T00:00:00Z")]
    [InlineData("R/2026-01-31T00:00:00Z/P1M", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z")]
    [InlineData("R/2024-02-29T00:00:00Z/P1Y", "2024-02-29T00:00:00Z", "2025-02-28T00:00:00Z")]
    [InlineData("R/2000-01-01T00:00:00Z/PT1S", "2026-01-01T00:00:00.5Z", "2026-01-01T00:00:01Z")]
    [InlineData("R/2026-01-01T00:00:00+02:00/P1D", "2025-12-31T22:00:00Z", "2026-01-01T22:00:00Z")]
    [InlineData("R/2026-01-01T00:00:00Z/P1W", "2026-01-01T00:00:00Z", "2026-01-08T00:00:00Z")]
    [InlineData("R/2026-01-01T00:00Z/P1DT12H", "2026-01-01T00:00:00Z", "2026-01-02T12:00:00Z")]
    [InlineData("R0/2026-01-01T00:00:00Z/PT1H", "2025-01-01T00:00:00Z", null)]
    public void NextFire(string text, string after, string? expected) =>
        Assert.Equal(expected is null ? null : T(expected), IsoRepeatingInterval.Parse(text).NextAfter(T(after)));

    [Fact]
    public void FiveRepetitionsMeanFiveRuns()
    {
        var schedule = IsoRepeatingInterval.Parse("R5/2026-01-01T00:00:00Z/PT1H");
        var fires = new List<DateTimeOffset>();
        var t = T("2025-12-31T00:00:00Z");
        while (schedule.NextAfter(t) is { } next)
        {
            fires.Add(next);
            t = next;
        }
        Assert.Equal(5, fires.Count);
        Assert.Equal(T("2026-01-01T04:00:00Z"), fires[^1]);
    }

    [Theory]
    [InlineData("R5/2026-01-01T00:00:00Z", "expected 3 parts 'Rn/start/period' separated by '/', got 2")]
    [InlineData("X5/2026-01-01T00:00:00Z/PT1H", "repetitions: 'X5' must be 'R' (forever) or 'R<n>'")]
    [InlineData("Rx/2026-01-01T00:00:00Z/PT1H", "repetitions: 'Rx' must be 'R' (forever) or 'R<n>' with n a whole number")]
    [InlineData("R/2026-01-01T00:00:00/PT1H", "start: '2026-01-01T00:00:00' has no time zone")]
    [InlineData("R/2026-13-01T00:00:00Z/PT1H", "start: '2026-13-01T00:00:00Z' is not an ISO 8601 date-time")]
    [InlineData("R/2026-01-01T00:00:00Z/P1X", "period: unknown designator 'X' in 'P1X'")]
    [InlineData("R/2026-01-01T00:00:00Z/PT", "period: 'PT' has a 'T' with no hours")]
    [InlineData("R/2026-01-01T00:00:00Z/P0D", "period: 'P0D' is a zero duration")]
    [InlineData("R/2026-01-01T00:00:00Z/1H", "period: '1H' does not start with 'P'")]
    [InlineData("R/2026-01-01T00:00:00Z/PT1H1D", "period: 'PT1H1D' is not PnYnMnWnDTnHnMnS")]
    public void ParseErrorsNameThePart(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => IsoRepeatingInterval.Parse(text)).Message;
        Assert.StartsWith(expected, error);
        Assert.False(ScheduleParser.TryParse(text, out _, out var viaParser));
        Assert.Equal(error, viaParser);
    }
}
