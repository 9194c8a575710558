using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.Cli;

/// <summary>
/// A client command against the plain API (--master http://...) never loads OpenSSL; one over HTTPS loads the system's
/// OpenSSL for its own TLS client (Net/Security/OpenSsl), without the system's OpenSSL configuration, and never starts
/// .NET's crypto layer. Each case in a child process (<see cref="ClientOpenSslChild"/>), whose mapped libraries are its own.
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
    public async Task AnHttpsClientStartsOpenSslBeforeItsFirstConnection()
    {
        // The contrast: the same child with an HTTPS master has OpenSSL mapped, so the case above is not trivially true
        // of a child process.
        var output = await RunChildAsync("127.0.0.1:1");
        Assert.Contains("client https://127.0.0.1:1", output);
        Assert.Contains("libcrypto mapped", output);
        Assert.Contains("libssl mapped", output);
    }

    [Fact]
    public async Task AnHttpsRequestUsesTheSystemsOpenSslWithoutDotNetsCryptoLayer()
    {
        var secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var now = DateTimeOffset.UtcNow;
        var ca = ClusterCa.Create("home", secret, now);
        using var leaf = ClusterCa.Issue(ca, secret, "master", ["127.0.0.1"], now, TimeSpan.FromDays(1));
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var serving = Task.Run(async () =>
        {
            // Two requests (trust on first use, then pinned), each on a connection of its own.
            for (var i = 0; i < 2; i++)
            {
                using var tcp = await listener.AcceptTcpClientAsync();
                await using var ssl = new System.Net.Security.SslStream(tcp.GetStream());
                await ssl.AuthenticateAsServerAsync(new System.Net.Security.SslServerAuthenticationOptions { ServerCertificate = leaf });
                var buffer = new byte[4096];
                var read = 0;
                while (buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8) < 0) read += await ssl.ReadAsync(buffer.AsMemory(read));
                await ssl.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray());
            }
        });
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        // The system's OpenSSL configuration is not read (TlsClientContext): one that activates a provider which does not
        // exist, with diagnostics on, makes OpenSSL refuse to make any context when it is read.
        var config = Path.Combine(Path.GetTempPath(), $"minimesos-openssl-{Guid.NewGuid():N}.cnf");
        await File.WriteAllTextAsync(config, "config_diagnostics = 1\nopenssl_conf = init\n[init]\nproviders = providers\n" +
            "[providers]\nno_such_provider = no_such\n[no_such]\nactivate = 1\n");
        string output;
        try
        {
            // An HTTP proxy in the environment (nothing listens there) is not used: the client connects to the master itself.
            output = await RunChildAsync($"127.0.0.1:{port}|{ClusterCa.Fingerprint(ca.Certificate)}", "http://127.0.0.1:9", config);
        }
        finally
        {
            File.Delete(config);
        }
        await serving.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("status 200", output);
        Assert.Contains("pinned status 200", output);
        Assert.Contains("libssl mapped", output);
        Assert.Contains("dotnet crypto not loaded", output);
    }

    private static Task<string> RunChildAsync(string master, string? httpProxy = null, string? opensslConfig = null) => TestChildProcess.RunAsync(ClientOpenSslChild.Mode, master, environment =>
    {
        if (opensslConfig is not null) environment["OPENSSL_CONF"] = opensslConfig;
        foreach (var name in new[] { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" }) environment.Remove(name);
        if (httpProxy is not null) environment["http_proxy"] = environment["HTTP_PROXY"] = httpProxy;
        foreach (var name in new[] { "MINIMESOS_MASTER", "MINIMESOS_TOKEN", "MINIMESOS_CONFIG" }) environment.Remove(name);
        // No config file: a directory that does not exist.
        environment["XDG_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), $"minimesos-no-config-{Guid.NewGuid():N}");
    });
}
