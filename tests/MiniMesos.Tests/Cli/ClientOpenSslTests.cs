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

    private static Task<string> RunChildAsync(string master) => TestChildProcess.RunAsync(ClientOpenSslChild.Mode, master, environment =>
    {
        foreach (var name in new[] { "MINIMESOS_MASTER", "MINIMESOS_TOKEN", "MINIMESOS_CONFIG" }) environment.Remove(name);
        // No config file: a directory that does not exist.
        environment["XDG_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), $"minimesos-no-config-{Guid.NewGuid():N}");
    });
}
