using System.Diagnostics;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>Runs the real `minimesos` CLI (the built minimesos.dll next to the tests) as a child process.</summary>
internal static class CliProcess
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? env = null, TimeSpan? timeout = null, string? stdin = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(TestInit.Dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var name in new[] { "MINIMESOS_TOKEN", "MINIMESOS_TOKEN_FILE", "MINIMESOS_MASTER", "MINIMESOS_CONFIG", "XDG_CONFIG_HOME" }) info.Environment.Remove(name);
        // A config dir of its own: the CA the CLI pins on first contact (cas/HOST_PORT) must not outlive this run.
        var config = Directory.CreateTempSubdirectory("minimesos-cli-config-").FullName;
        info.Environment["XDG_CONFIG_HOME"] = config;
        foreach (var (key, value) in env ?? new Dictionary<string, string>()) info.Environment[key] = value;
        try
        {
            return await RunAsync(info, args, timeout, stdin);
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(ProcessStartInfo info, IEnumerable<string> args, TimeSpan? timeout, string? stdin)
    {
        using var process = Process.Start(info)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"minimesos {string.Join(' ', args)} did not finish; stderr so far: {await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
