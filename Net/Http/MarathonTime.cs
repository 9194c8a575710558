using System.Globalization;

namespace MiniMesos.Net.Http;

/// <summary>Marathon's one time format on /v2: UTC, milliseconds, a Z (2026-12-06T20:45:01.958Z); clients parse only that.</summary>
internal static class MarathonTime
{
    public static string Format(long unixMs) => Format(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));

    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? Format(long? unixMs) => unixMs is { } ms ? Format(ms) : null;
}
