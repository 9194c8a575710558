using MiniMesos.Core.Text;

namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>
/// Reads a job's schedule: "R.../start/period" (or any single word with '/') is ISO 8601, anything else
/// cron. Cron always has spaces, so a mistyped ISO interval still gets the ISO error message.
/// </summary>
internal static class ScheduleParser
{
    public static ISchedule Parse(string text)
    {
        var trimmed = text.Trim();
        var iso = trimmed.StartsWith('R') || (trimmed.Contains('/') && !CharChecks.Any(trimmed, char.IsWhiteSpace));
        return iso ? IsoRepeatingInterval.Parse(trimmed) : CronExpression.Parse(trimmed);
    }

    public static bool TryParse(string text, out ISchedule? schedule, out string? error)
    {
        try
        {
            schedule = Parse(text);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            schedule = null;
            error = e.Message;
            return false;
        }
    }
}
