using MiniMesos.Core.Text;

namespace MiniMesos.Core.Isolation;

/// <summary>Parsers for /proc/self/mountinfo and /proc/self/cgroup: where cgroup v2 is and where we sit in it.</summary>
internal static class CgroupPaths
{
    /// <summary>Mount point of the cgroup2 filesystem, or null (e.g. a v1-only host).</summary>
    public static string? FindCgroup2Mount(string mountinfo)
    {
        foreach (var line in mountinfo.Split('\n'))
        {
            // "36 25 0:30 / /sys/fs/cgroup rw,... shared:9 - cgroup2 cgroup2 rw" : fstype follows " - ".
            var dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0)
            {
                continue;
            }

            var after = line[(dash + 3)..].Split(' ');
            var before = line[..dash].Split(' ');
            if (after.Length > 0 && after[0] == "cgroup2" && before.Length > 4)
            {
                return UnescapeMountPath(before[4]);
            }
        }

        return null;
    }

    /// <summary>The process's cgroup v2 path (the "0::" line), e.g. "/system.slice/minimesos.service", or null.</summary>
    public static string? FindOwnCgroup(string procSelfCgroup)
    {
        foreach (var line in procSelfCgroup.Split('\n'))
        {
            if (line.StartsWith("0::", StringComparison.Ordinal))
            {
                var path = line[3..].Trim();
                // A process whose cgroup was removed reads "/... (deleted)"; treat as unknown.
                return path.EndsWith(" (deleted)", StringComparison.Ordinal) ? null : path;
            }
        }

        return null;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as octal (\040...).</summary>
    public static string UnescapeMountPath(string s)
    {
        if (!s.Contains('\\'))
        {
            return s;
        }

        var sb = new System.Text.StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && IsOctal(s, i + 1))
            {
                sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                sb.Append(s[i]);
            }
        }

        return sb.ToString();
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s[at] is >= '0' and <= '7' && s[at + 1] is >= '0' and <= '7' && s[at + 2] is >= '0' and <= '7';

    /// <summary>
    /// A cgroup path below the cgroup2 mount given by the operator (<c>--cgroup-parent</c>): absolute, no empty, "." or
    /// ".." segment, and only the characters systemd unit and slice names use.
    /// </summary>
    public static bool IsSafeCgroupPath(string path) =>
        path.Length is > 1 and <= 1000 && path[0] == '/' &&
        path[1..].Split('/').All(s => s.Length > 0 && s != "." && s != ".." &&
            CharChecks.All(s, c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@' or ':' or '\\'));

    /// <summary>Task ids become directory names: allow only a safe alphabet so an id cannot escape the parent.</summary>
    public static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 200 && name != "." && name != ".." &&
        CharChecks.All(name, c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
