using System.Globalization;
using MiniMesos.Core.Frameworks.Jobs;
using Xunit;

namespace MiniMesos.Tests.Frameworks.Jobs;

public sealed class CronExpressionTests
{
    private static DateTimeOffset T(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    [Theory]
    // Month ends: the 31st skips months without one.
    [InlineData("0 0 31 * *", "2026-01-31T00:00:00Z", "2026-03-31T00:00:00Z")]
    [InlineData("0 0 31 * *", "2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z")]
    // Feb 29 waits for the next leap year.
    [InlineData("0 0 29 2 *", "2026-01-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    [InlineData("0 0 29 2 *", "2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z")]
    // Both day fields restricted: either matches (OR). Friday Jan 2 and Jan 9 come before the 13th.
    [InlineData("0 0 13 * FRI", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")]
    [InlineData("0 0 13 * FRI", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z")]
    [InlineData("0 0 29 2 SUN", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")]
    // Day-of-month starting with '*' counts as unrestricted (Vixie): AND, so odd days that are Mondays.
    [InlineData("0 0 */2 * MON", "2026-01-01T00:00:00Z", "2026-01-05T00:00:00Z")]
    [InlineData("0 0 */2 * MON", "2026-01-05T00:00:00Z", "2026-01-19T00:00:00Z")]
    // Steps over ranges, weekday ranges, across a weekend.
    [InlineData("*/15 9-17/4 * * MON-FRI", "2026-01-02T17:45:00Z", "2026-01-05T09:00:00Z")]
    [InlineData("*/15 9-17/4 * * MON-FRI", "2026-01-05T09:50:00Z", "2026-01-05T13:00:00Z")]
    [InlineData("5-10/3 * * * *", "2026-01-01T00:08:00Z", "2026-01-01T01:05:00Z")]
    [InlineData("5/20 * * * *", "2026-01-01T00:45:00Z", "2026-01-01T01:05:00Z")]
    [InlineData("0 0 */10 * *", "2026-01-21T00:00:00Z", "2026-01-31T00:00:00Z")]
    // Year end, names in any case, 7 = Sunday, macros, seconds are truncated.
    [InlineData("59 23 31 12 *", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z")]
    [InlineData("0 0 1 jan,JUL *", "2026-01-01T00:00:00Z", "2026-07-01T00:00:00Z")]
    [InlineData("0 12 * * 7", "2026-01-01T00:00:00Z", "2026-01-04T12:00:00Z")]
    [InlineData("@hourly", "2026-01-01T10:30:15Z", "2026-01-01T11:00:00Z")]
    [InlineData("@weekly", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z")]
    [InlineData("* * * * *", "2026-01-01T00:00:30Z", "2026-01-01T00:01:00Z")]
    [InlineData("15 14 1 * *", "2026-01-31T23:59:00Z", "2026-02-01T14:15:00Z")]
    // Zone offsets on the input are honoured: evaluation is in UTC.
    [InlineData("0 3 * * *", "2026-01-01T04:30:00+02:00", "2026-01-01T03:00:00Z")]
    [InlineData("0 3 * * *", "2026-01-01T05:30:00+02:00", "2026-01-02T03:00:00Z")]
    public void NextFire(string cron, string after, string expected) =>
        Assert.Equal(T(expected), CronExpression.Parse(cron).NextAfter(T(after)));

    [Theory]
    [InlineData("0 0 30 2 *")]
    [InlineData("0 0 31 4,6,9,11 *")]
    public void ImpossibleDatesNeverFire(string cron) => Assert.Null(CronExpression.Parse(cron).NextAfter(T("2026-01-01T00:00:00Z")));

    [Theory]
    [InlineData("60 * * * *", "minute: 60 is out of range 0-59")]
    [InlineData("* 24 * * *", "hour: 24 is out of range 0-23")]
    [InlineData("* * 0 * *", "day-of-month: 0 is out of range 1-31")]
    [InlineData("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4")]
    [InlineData("* * * * FOO", "day-of-week: 'FOO' is not a number or a name")]
    [InlineData("*/0 * * * *", "minute: step '0' in '*/0' must be a whole number >= 1")]
    [InlineData("* * * 12-1 *", "month: range '12-1' is backwards")]
    [InlineData("0 0 L * *", "day-of-month: 'L' is not a number")]
    [InlineData("1,,2 * * * *", "minute: empty list item in '1,,2'")]
    [InlineData("@reboot", "unknown macro '@reboot'")]
    public void ParseErrorsNameTheField(string cron, string expected)
    {
        var error = Assert.Throws<FormatException>(() => CronExpression.Parse(cron)).Message;
        Assert.StartsWith(expected, error);
        Assert.False(ScheduleParser.TryParse(cron, out var parsed, out var viaParser));
        Assert.Null(parsed);
        Assert.Equal(error, viaParser);
    }

    [Fact]
    public void AYearOfMinutesIsFast()
    {
        var cron = CronExpression.Parse("*/7 */3 * * *");
        var t = T("2026-01-01T00:00:00Z");
        var count = 0;
        while (t < T("2027-01-01T00:00:00Z"))
        {
            t = cron.NextAfter(t)!.Value;
            count++;
        }
        // 9 minutes (0,7,...,56) x 8 hours x 365 days: 2026-01-01T00:00 itself is not after the start,
        // and the first fire of 2027 ends the loop.
        Assert.Equal(9 * 8 * 365, count);
    }
}
