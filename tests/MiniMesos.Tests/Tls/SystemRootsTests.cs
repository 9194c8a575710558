using System.Diagnostics;
using Xunit;

namespace MiniMesos.Tests.Tls;

/// <summary>
/// The CLI leaves the system CA store out (Net/Security/SystemRoots.cs): a chain build then loads no system root, and
/// the pinned CA is still required. Each case in a child process, whose C environment it may change.
/// </summary>
public sealed class SystemRootsTests
{
    [Fact]
    public async Task LeavingTheSystemRootsOutLoadsNoneAndKeepsThePin()
    {
        var kept = await RunChildAsync("keep");
        var left = await RunChildAsync("leave-out");
        Assert.Contains("roots 0", left);
        Assert.Contains("pin holds", left);
        Assert.Contains("pin holds", kept);
        // Where the machine has a CA bundle, the default process loads it: the case above is not trivially true.
        if (File.Exists("/etc/ssl/certs/ca-certificates.crt")) Assert.DoesNotContain("roots 0", kept);
    }

    private static async Task<string> RunChildAsync(string how)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MiniMesos.Tests.dll"));
        info.ArgumentList.Add(SystemRootsChild.Mode);
        info.ArgumentList.Add(how);
        info.Environment.Remove("SSL_CERT_FILE");
        info.Environment.Remove("SSL_CERT_DIR");
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
        Assert.True(child.ExitCode == 0, $"child ({how}) exited {child.ExitCode}: {await errors}");
        return await output;
    }
}
