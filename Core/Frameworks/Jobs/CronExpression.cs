namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>
/// A standard 5-field cron expression (minute hour day-of-month month day-of-week), evaluated in UTC.
/// Day rule as in Vixie cron: when both day fields are restricted (neither starts with '*') a day
/// matches if EITHER matches; otherwise both must. Day-of-week 0 and 7 are Sunday.
/// </summary>
internal sealed record CronExpression(string Text, CronField Minute, CronField Hour, CronField DayOfMonth, CronField Month, CronField DayOfWeek)
    : ISchedule
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

    private static readonly Dictionary<string, string> Macros = new(StringComparer.OrdinalIgnoreCase)
    {
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
        ["@monthly"] = "0 0 1 * *",
        ["@weekly"] = "0 0 * * 0",
        ["@daily"] = "0 0 * * *",
        ["@midnight"] = "0 0 * * *",
        ["@hourly"] = "0 * * * *",
    };

    /// <summary>Parses; throws FormatException whose message starts with the field name.</summary>
    public static CronExpression Parse(string text)
    {
        var trimmed = text.Trim();
        var expanded = Macros.TryGetValue(trimmed, out var macro) ? macro : trimmed;
        if (expanded.StartsWith('@')) throw new FormatException($"unknown macro '{trimmed}'");
        var parts = expanded.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5)
            throw new FormatException($"expected 5 fields (minute hour day-of-month month day-of-week), got {parts.Length}");
        var dow = CronField.Parse("day-of-week", parts[4], 0, 7, DayNames);
        // 7 is another spelling of Sunday.
        if (dow.Has(7)) dow = dow with { Bits = (dow.Bits | 1UL) & ~(1UL << 7) };
        return new CronExpression(text,
            CronField.Parse("minute", parts[0], 0, 59),
            CronField.Parse("hour", parts[1], 0, 23),
            CronField.Parse("day-of-month", parts[2], 1, 31),
            CronField.Parse("month", parts[3], 1, 12, MonthNames),
            dow);
    }

    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        var u = after.UtcDateTime;
        var t = new DateTime(u.Year, u.Month, u.Day, u.Hour, u.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
        // Day-of-week/day-of-month combinations repeat within 28 years (leap years included); beyond that never.
        var limit = t.AddYears(29);
        while (t < limit)
        {
            if (!Month.Has(t.Month)) { t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1); continue; }
            if (!DayMatches(t)) { t = t.Date.AddDays(1); continue; }
            if (!Hour.Has(t.Hour)) { t = t.Date.AddHours(t.Hour + 1); continue; }
            if (!Minute.Has(t.Minute)) { t = t.AddMinutes(1); continue; }
            return new DateTimeOffset(t, TimeSpan.Zero);
        }
        return null;
    }

    private bool DayMatches(DateTime t)
    {
        var dom = DayOfMonth.Has(t.Day);
        var dow = DayOfWeek.Has((int)t.DayOfWeek);
        return DayOfMonth.Star || DayOfWeek.Star ? dom && dow : dom || dow;
    }

    public override string ToString() => Text;
}
