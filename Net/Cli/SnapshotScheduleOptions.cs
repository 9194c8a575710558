using System.CommandLine;
using System.Globalization;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>The master's --snapshot-interval, --snapshot-retain and --snapshot-dir (scheduled backups).</summary>
internal static class SnapshotScheduleOptions
{
    public static (Option<string> Interval, Option<int> Retain, Option<string?> Dir) Create() => (
        new Option<string>("--snapshot-interval")
        {
            Description = "Write a backup of the cluster state this often, e.g. 30m, 1h, 1d (0 = never). See `minimesos snapshot`.",
            DefaultValueFactory = _ => "0",
        },
        new Option<int>("--snapshot-retain")
        {
            Description = "Scheduled backups kept in --snapshot-dir (the oldest are deleted).",
            DefaultValueFactory = _ => 24,
        },
        new Option<string?>("--snapshot-dir") { Description = "Where scheduled backups go (default: <data-dir>/snapshots), e.g. a USB disk." });

    public static (TimeSpan? Interval, int Retain, string? Dir) Parse(ParseResult parse, Option<string> interval, Option<int> retain, Option<string?> dir)
    {
        var text = parse.GetValue(interval)!;
        var every = ParseDuration(text) ?? throw new ConfigException($"--snapshot-interval: '{text}' is not a duration such as 0, 90s, 30m, 1h or 1d");
        if (every != TimeSpan.Zero && every < TimeSpan.FromSeconds(10))
            throw new ConfigException($"--snapshot-interval: '{text}' is shorter than 10 s (0 turns scheduled snapshots off)");
        var keep = parse.GetValue(retain);
        if (keep is < 1 or > 10_000) throw new ConfigException($"--snapshot-retain: {keep} is not between 1 and 10000");
        return (every == TimeSpan.Zero ? null : every, keep, parse.GetValue(dir));
    }

    /// <summary>"0", or a positive number with a unit s, m, h or d.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        if (text == "0") return TimeSpan.Zero;
        if (text.Length < 2 || !double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !(n > 0 && n <= 365 * 86_400))
            return null;
        return text[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
    }
}
