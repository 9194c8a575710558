using System.Globalization;

namespace MiniMesos.Core.Isolation;

/// <summary>Reads "key value" lines as in memory.events, pids.events, cpu.stat, cgroup.events and /proc/meminfo.</summary>
internal static class FlatKeyed
{
    public static long? Get(string text, string key)
    {
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split([' ', '\t', ':'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && parts[0] == key &&
                long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                return v;
            }
        }

        return null;
    }
}
