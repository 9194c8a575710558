namespace MiniMesos.Core.Model;

/// <summary>
/// What an ended task means to a shell: the exit code `minimesos run` returns and the reason it prints. A task
/// that did not finish never maps to 0, whatever its own exit code: a shell that exited 0 after the OOM killer took
/// its child still failed.
/// </summary>
internal static class TaskEnd
{
    /// <summary>The agent's message for a task the kernel's OOM killer hit; the CLI recognises it by this prefix.</summary>
    public const string OomKilled = "killed by the OOM killer";

    /// <summary>128 + SIGKILL: what a shell reports for a process the OOM killer ended.</summary>
    public const int OomExitCode = 128 + 9;

    private const int Failure = 1;

    /// <summary>The exit code for a task in <paramref name="state"/> and, when the shell should see why, the reason.</summary>
    public static (int Code, string? Reason) Exit(TaskState state, int? exitCode, int? signal, string? message)
    {
        if (state == TaskState.Finished) return (exitCode ?? 0, null);
        if (message is not null && message.StartsWith(OomKilled, StringComparison.Ordinal)) return (OomExitCode, message);
        if (exitCode is { } code and not 0) return (code, null);
        if (signal is { } sig and > 0) return (128 + sig, null);
        return (Failure, message ?? (exitCode == 0 ? "exited with code 0 but did not finish" : null));
    }
}
