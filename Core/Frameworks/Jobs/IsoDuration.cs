using System.Globalization;
using System.Text.RegularExpressions;

namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>
/// An ISO 8601 duration (PnYnMnWnDTnHnMnS). Years and months are calendar units, added with
/// AddYears/AddMonths from the series start so "P1M" from Jan 31 gives Feb 28, Mar 31, ...
/// </summary>
internal sealed partial record IsoDuration(int Years, int Months, int Weeks, int Days, int Hours, int Minutes, double Seconds)
{
    [GeneratedRegex(@"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$")]
    private static partial Regex Pattern();

    [GeneratedRegex(@"[^PYMWDTHS0-9.,]")]
    private static partial Regex Foreign();

    public bool IsCalendar => Years != 0 || Months != 0;

    /// <summary>The fixed part (weeks, days, time) as a TimeSpan.</summary>
    public TimeSpan Fixed => TimeSpan.FromDays(Weeks * 7 + Days) + new TimeSpan(Hours, Minutes, 0) + TimeSpan.FromSeconds(Seconds);

    /// <summary>A rough length, only to estimate how many periods fit in a span.</summary>
    public TimeSpan Approximate => TimeSpan.FromDays(Years * 365.2425 + Months * 30.436875) + Fixed;

    public DateTimeOffset AddTimes(DateTimeOffset start, long k) =>
        start.AddYears(checked((int)(Years * k))).AddMonths(checked((int)(Months * k))) + Fixed * k;

    /// <summary>Parses; throws FormatException naming what is wrong.</summary>
    public static IsoDuration Parse(string text)
    {
        if (!text.StartsWith('P')) throw new FormatException($"'{text}' does not start with 'P'");
        var foreign = Foreign().Match(text);
        if (foreign.Success) throw new FormatException($"unknown designator '{foreign.Value}' in '{text}'");
        if (text.EndsWith('T')) throw new FormatException($"'{text}' has a 'T' with no hours, minutes or seconds after it");
        var m = Pattern().Match(text);
        if (!m.Success)
            throw new FormatException($"'{text}' is not PnYnMnWnDTnHnMnS (components in that order, each at most once; M before T is months, after T minutes)");
        int I(int g)
        {
            if (!m.Groups[g].Success) return 0;
            return int.TryParse(m.Groups[g].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
                ? v : throw new FormatException($"'{m.Groups[g].Value}' in '{text}' is too large");
        }
        var seconds = m.Groups[7].Success ? double.Parse(m.Groups[7].Value.Replace(',', '.'), CultureInfo.InvariantCulture) : 0;
        var d = new IsoDuration(I(1), I(2), I(3), I(4), I(5), I(6), seconds);
        if (d.Approximate <= TimeSpan.Zero) throw new FormatException($"'{text}' is a zero duration");
        return d;
    }
}
