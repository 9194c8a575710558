using System.Globalization;

namespace MiniMesos.Core.Isolation;

/// <summary>
/// The one-line file init writes in the sandbox when the command ends ("exit 3", "signal 9"), so an agent
/// that restarted while the task ran can still learn how it ended.
/// </summary>
internal static class ExitStatusFile
{
    public const string FileName = "exit_status";

    public static string Format(TaskExit exit) =>
        exit.Signal is int sig
            ? "signal " + sig.ToString(CultureInfo.InvariantCulture) + "\n"
            : "exit " + (exit.ExitCode ?? 0).ToString(CultureInfo.InvariantCulture) + "\n";

    public static TaskExit? Parse(string text)
    {
        var parts = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        return parts[0] switch
        {
            "exit" when n <= 255 => new TaskExit(n, null),
            "signal" when n is > 0 and < 128 => new TaskExit(null, n),
            _ => null,
        };
    }
}
