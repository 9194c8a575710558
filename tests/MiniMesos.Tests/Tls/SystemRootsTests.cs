using Xunit;

namespace MiniMesos.Tests.Tls;

/// <summary>
/// The CLI and the daemons leave the system CA store out (Net/Security/SystemRoots.cs): a chain build then loads no
/// system root, the pinned CA is still required, the environment is as it was, and the clients of public servers
/// (Isolation/Tls/PublicRoots.cs) still verify them against the system bundle, read on first use. Each case in a child
/// process, whose C environment it may change.
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
        Assert.Contains("SSL_CERT_FILE unset", left); // put back as it was
        // Where the machine has a CA bundle, the default process loads it: the case above is not trivially true.
        if (File.Exists("/etc/ssl/certs/ca-certificates.crt")) Assert.DoesNotContain("roots 0", kept);
    }

    [Fact]
    public async Task PublicServersAreCheckedAgainstTheBundleLoadedOnFirstUse()
    {
        var dir = Directory.CreateTempSubdirectory("minimesos-roots-");
        try
        {
            var bundle = Path.Combine(dir.FullName, "bundle.pem");
            var certs = Directory.CreateDirectory(Path.Combine(dir.FullName, "certs")).FullName;
            var output = await RunChildAsync("public", ("SSL_CERT_FILE", bundle), ("SSL_CERT_DIR", certs));
            // The store is left out of the process, and what the process starts still gets its environment.
            Assert.Contains($"SSL_CERT_FILE {bundle}", output);
            Assert.Contains("roots 0", output);
            // Nothing read before the first public connection; then the bundle (one CA here) verifies for real.
            Assert.Contains("loaded before 0", output);
            Assert.Contains("bundled CA accepted", output);
            Assert.Contains("loaded after 1", output);
            Assert.Contains("other CA refused", output);
            Assert.Contains("wrong name refused", output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static Task<string> RunChildAsync(string how, params (string Name, string Value)[] environment) =>
        TestChildProcess.RunAsync(SystemRootsChild.Mode, how, variables =>
        {
            variables.Remove("SSL_CERT_FILE");
            variables.Remove("SSL_CERT_DIR");
            foreach (var (name, value) in environment) variables[name] = value;
        });
}
