using System.Text;

namespace MiniMesos.Core.Isolation;

/// <summary>
/// What execve(2) can carry: strings without NUL bytes (a NUL ends a C string, so the task would run something
/// other than what was asked), environment names that are non-empty and hold no '=', each string under the
/// kernel's 128 KiB MAX_ARG_STRLEN and all of them under 1 MiB together (the kernel's own bound is a quarter of
/// the stack limit, 2 MiB by default). Checked by every API that accepts a command, and by the agent again.
/// </summary>
internal static class LaunchText
{
    public const int MaxString = 128 * 1024 - 1;
    public const int MaxTotal = 1024 * 1024;

    public static (string Field, string Reason)? Invalid(string? cmd, IReadOnlyList<string>? args, IReadOnlyDictionary<string, string>? env, string? user,
        string argsField = "args")
    {
        long total = 0;
        if (cmd is not null && Bad(cmd, ref total) is { } c) return ("cmd", c);
        for (var i = 0; i < (args?.Count ?? 0); i++)
        {
            if (Bad(args![i], ref total) is { } a) return ($"{argsField}[{i}]", a);
        }

        foreach (var (name, value) in env ?? new Dictionary<string, string>())
        {
            var field = "env." + Printable(name);
            if (name.Length == 0) return ("env", "a variable name must not be empty");
            if (name.Contains('=')) return (field, "a variable name must not contain '='");
            if (Bad(name + "=" + value, ref total) is { } e) return (field, e);
        }

        if (user is not null && user.Contains('\0')) return ("user", "must not contain a NUL byte");
        return total > MaxTotal ? (cmd is not null ? "cmd" : argsField, $"the command and its environment exceed {MaxTotal} bytes together") : null;
    }

    private static string? Bad(string s, ref long total)
    {
        if (s.Contains('\0')) return "must not contain a NUL byte (execve cannot pass one)";
        var bytes = Encoding.UTF8.GetByteCount(s);
        if (bytes > MaxString) return $"is {bytes} bytes, more than the kernel passes in one string ({MaxString})";
        total += bytes + 1;
        return null;
    }

    /// <summary>A name as it can be shown in an error: control characters escaped.</summary>
    private static string Printable(string name)
    {
        var sb = new StringBuilder();
        foreach (var ch in name.Length > 64 ? name[..64] : name)
        {
            if (char.IsControl(ch)) sb.Append("\\u").Append(((int)ch).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(ch);
        }

        return sb.ToString();
    }
}
