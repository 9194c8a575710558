using System.Diagnostics;
using Xunit;

namespace MiniMesos.Tests;

/// <summary>
/// Runs this test assembly again as a child process in one of <see cref="TestEntryPoint"/>'s modes (a case that changes
/// process-wide state: the C environment, the libraries mapped), and returns what it printed; the child must exit 0
/// within a minute or the test fails with its standard error.
/// </summary>
internal static class TestChildProcess
{
    public static async Task<string> RunAsync(string mode, string argument, Action<IDictionary<string, string?>> environment)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MiniMesos.Tests.dll"));
        info.ArgumentList.Add(mode);
        info.ArgumentList.Add(argument);
        environment(info.Environment);
        using var child = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = child.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = child.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await child.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!child.HasExited) child.Kill(entireProcessTree: true);
        }
        Assert.True(child.ExitCode == 0, $"child ({argument}) exited {child.ExitCode}: {await errors}");
        return await output;
    }
}
