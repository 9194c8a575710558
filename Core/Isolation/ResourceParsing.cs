using System.Globalization;

namespace MiniMesos.Core.Isolation;

/// <summary>Parsers for the files the agent sizes itself from: cpu.max, memory.max, /proc/cpuinfo, /proc/meminfo, os-release.</summary>
internal static class ResourceParsing
{
    /// <summary>cpu.max "quota period" as cpus (150000 100000 = 1.5); null for "max" or unreadable.</summary>
    public static double? CpusFromCpuMax(string? text)
    {
        var parts = (text ?? "").Trim().Split(' ');
        if (parts.Length != 2 || parts[0] == "max" ||
            !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var quota) ||
            !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var period) || period == 0)
        {
            return null;
        }

        return (double)quota / period;
    }

    /// <summary>memory.max in bytes; null for "max" or unreadable.</summary>
    public static long? BytesFromMemoryMax(string? text)
    {
        var t = (text ?? "").Trim();
        return long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    /// <summary>Number of "processor" entries in /proc/cpuinfo (x86 and arm both have them).</summary>
    public static int ProcessorsFromCpuInfo(string text) =>
        text.Split('\n').Count(l => l.StartsWith("processor", StringComparison.Ordinal) && l.Contains(':'));

    /// <summary>MemTotal from /proc/meminfo in bytes.</summary>
    public static long? MemTotalBytes(string text) => FlatKeyed.Get(text, "MemTotal") * 1024;

    /// <summary>The tightest of the limits found on the way from the agent's cgroup to the root (limits nest).</summary>
    public static T? Tightest<T>(IEnumerable<T?> limits) where T : struct, IComparable<T>
    {
        T? best = null;
        foreach (var l in limits)
        {
            if (l is T v && (best is null || v.CompareTo(best.Value) < 0))
            {
                best = v;
            }
        }

        return best;
    }

    /// <summary>Cpus to offer: the host's count capped by cgroup quotas, rounded down to 0.01.</summary>
    public static double Cpus(int hostCpus, double? cgroupCpus) =>
        Math.Floor(Math.Min(hostCpus, cgroupCpus ?? double.MaxValue) * 100) / 100;

    public static long Memory(long hostBytes, long? cgroupBytes) => Math.Min(hostBytes, cgroupBytes ?? long.MaxValue);

    /// <summary>"debian 12" from /etc/os-release (ID and VERSION_ID), or null.</summary>
    public static string? DistroFromOsRelease(string text)
    {
        string? id = null, version = null;
        foreach (var line in text.Split('\n'))
        {
            var eq = line.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            var v = line[(eq + 1)..].Trim().Trim('"');
            switch (line[..eq])
            {
                case "ID": id = v; break;
                case "VERSION_ID": version = v; break;
            }
        }

        return id is null ? null : version is null ? id : $"{id} {version}";
    }
}
