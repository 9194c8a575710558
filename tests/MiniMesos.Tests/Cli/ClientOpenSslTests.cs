using System.Diagnostics;
using Xunit;

namespace MiniMesos.Tests.Cli;

/// <summary>
/// A client command against the plain API (--master http://...) never loads OpenSSL: leaving the CA store out
/// (Net/Security/SystemRoots.cs) is only done for HTTPS, where it must precede the first connection. Each case in a
/// child process (<see cref="ClientOpenSslChild"/>), whose mapped libraries are its own.
/// </summary>
public sealed class ClientOpenSslTests
{
    [Fact]
    public async Task APlainApiClientLoadsNoOpenSsl()
    {
        var output = await RunChildAsync("http://127.0.0.1:1");
        Assert.Contains("client http://127.0.0.1:1", output);
        Assert.Contains("libcrypto not mapped", output);
        Assert.Contains("libssl not mapped", output);
    }

    [Fact]
    public async Task AnHttpsClientHasLeftTheStoreOutBeforeItsFirstConnection()
    {
        // The contrast: the same child with an HTTPS master has opened the (emptied) store, so the case above is not
        // trivially true of a child process.
        var output = await RunChildAsync("127.0.0.1:1");
        Assert.Contains("client https://127.0.0.1:1", output);
        Assert.Contains("libcrypto mapped", output);
    }

    private static async Task<string> RunChildAsync(string master)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MiniMesos.Tests.dll"));
        info.ArgumentList.Add(ClientOpenSslChild.Mode);
        info.ArgumentList.Add(master);
        foreach (var name in new[] { "MINIMESOS_MASTER", "MINIMESOS_TOKEN", "MINIMESOS_CONFIG" }) info.Environment.Remove(name);
        // No config file: a directory that does not exist.
        info.Environment["XDG_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), $"minimesos-no-config-{Guid.NewGuid():N}");
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
        Assert.True(child.ExitCode == 0, $"child ({master}) exited {child.ExitCode}: {await errors}");
        return await output;
    }
}
