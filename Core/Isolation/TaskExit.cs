namespace MiniMesos.Core.Isolation;

/// <summary>How a task ended: an exit code, or the signal that killed it, and whether the OOM killer did.</summary>
internal sealed record TaskExit(int? ExitCode, int? Signal, bool OomKilled = false)
{
    /// <summary>Shell convention: the exit code, or 128 + signal.</summary>
    public int ShellStatus => ExitCode ?? 128 + (Signal ?? 0);
}
