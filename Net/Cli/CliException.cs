namespace MiniMesos.Net.Cli;

/// <summary>A failure to report to the user in one line, with the exit code to use.</summary>
internal sealed class CliException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
