namespace MiniMesos.Net.Cli;

/// <summary>Exit codes of every command (README and --help say the same). `run` exits with the task's own code.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int RuntimeError = 1;
    public const int UsageError = 2;

    public const string Help =
        "Exit codes: 0 success, 1 runtime error (master unreachable, refused, task lost), 2 usage error " +
        "(bad flag or value, invalid app or job definition); `run` exits with the task's exit code, 128+N when a signal N ended it, " +
        "137 when the OOM killer did (even if the task's shell exited 0), and never 0 for a task that failed; " +
        "`app deploy` exits 1 when the app is not fully running before --timeout.";
}
