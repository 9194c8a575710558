using System.Globalization;

namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>
/// A Chronos-style schedule "Rn/start/period": runs at start + k*period for k = 0 .. n-1 ("R" alone:
/// forever). The start must carry a zone (Z or an offset); everything is computed in UTC.
/// </summary>
internal sealed record IsoRepeatingInterval(string Text, long? Repetitions, DateTimeOffset Start, IsoDuration Period) : ISchedule
{
    private static readonly string[] StartFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK",
        "yyyyMMdd'T'HHmmssK", "yyyyMMdd'T'HHmmK",
    ];

    /// <summary>Parses; throws FormatException whose message starts with the part that is wrong.</summary>
    public static IsoRepeatingInterval Parse(string text)
    {
        var parts = text.Trim().Split('/');
        if (parts.Length != 3)
            throw new FormatException($"expected 3 parts 'Rn/start/period' separated by '/', got {parts.Length} in '{text}'");
        long? reps = null;
        if (!parts[0].StartsWith('R'))
            throw new FormatException($"repetitions: '{parts[0]}' must be 'R' (forever) or 'R<n>'");
        if (parts[0].Length > 1)
        {
            if (!long.TryParse(parts[0][1..], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                throw new FormatException($"repetitions: '{parts[0]}' must be 'R' (forever) or 'R<n>' with n a whole number");
            reps = n;
        }
        var startText = parts[1];
        if (!startText.EndsWith('Z') && !HasOffset(startText))
            throw new FormatException($"start: '{startText}' has no time zone; add 'Z' for UTC or an offset like +02:00");
        if (!DateTimeOffset.TryParseExact(startText, StartFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
            throw new FormatException($"start: '{startText}' is not an ISO 8601 date-time like 2026-01-01T00:00:00Z");
        IsoDuration period;
        try { period = IsoDuration.Parse(parts[2]); }
        catch (FormatException e) { throw new FormatException($"period: {e.Message}"); }
        return new IsoRepeatingInterval(text, reps, start.ToUniversalTime(), period);
    }

    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        long k = 0;
        if (after >= Start)
        {
            // Estimate the index from the average period, step back a little, then walk forward: exact for
            // calendar periods (months differ in length) and cheap for any distance.
            k = Math.Max(0, (long)((after - Start).Ticks / (double)Period.Approximate.Ticks) - 2);
            while (k > 0 && Period.AddTimes(Start, k) > after) k--;
        }
        for (; ; k++)
        {
            if (Repetitions is { } n && k >= n) return null;
            DateTimeOffset fire;
            try { fire = Period.AddTimes(Start, k); }
            catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException) { return null; }
            if (fire > after) return fire;
        }
    }

    public override string ToString() => Text;

    private static bool HasOffset(string s)
    {
        var t = s.IndexOf('T');
        return t >= 0 && (s.IndexOf('+', t) >= 0 || s.IndexOf('-', t) >= 0);
    }
}
