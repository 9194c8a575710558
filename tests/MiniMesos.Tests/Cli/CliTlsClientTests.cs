using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using MiniMesos.Net.Cli;
using MiniMesos.Net.Security;
using MiniMesos.Net.Security.OpenSsl;
using Xunit;

namespace MiniMesos.Tests.Cli;

/// <summary>
/// The CLI's own TLS client (TlsClientStream over the system's libssl) against real TLS servers on loopback made with
/// .NET's SslStream: data both ways in pieces of every size, a read pending while writing, servers that fail or stay
/// silent in the handshake, and the CLI's messages for them (never a hang or a stack trace).
/// </summary>
public sealed class CliTlsClientTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task DataCrossesBothWaysIntactWhileAReadIsPendingDuringWrites()
    {
        using var certificate = ClusterCa.SelfSigned("echo", ["127.0.0.1"], DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var echo = EchoOnceAsync(listener, certificate);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var checks = 0;
        await using var tls = await TlsClientStream.ConnectAsync(tcp.GetStream(), "127.0.0.1", _ =>
        {
            checks++;
            return null;
        }, CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(1, checks);

        // 1 MiB in writes of odd sizes (1 byte to 40 KB), read back by a reader that runs all along.
        var sent = RandomNumberGenerator.GetBytes(1 << 20);
        var received = new MemoryStream();
        var reader = Task.Run(async () =>
        {
            var buffer = new byte[7_000];
            while (received.Length < sent.Length)
            {
                var n = await tls.ReadAsync(buffer);
                if (n == 0) break;
                received.Write(buffer, 0, n);
            }
        });
        var random = new Random(7);
        for (var offset = 0; offset < sent.Length;)
        {
            var count = Math.Min(sent.Length - offset, random.Next(1, 40_000));
            await tls.WriteAsync(sent.AsMemory(offset, count));
            offset += count;
        }
        await reader.WaitAsync(Patience);
        Assert.Equal(sent, received.ToArray());
        tls.Dispose();
        await echo.WaitAsync(Patience);
    }

    [Fact]
    public async Task ACheckThatRefusesEndsTheConnectionBeforeAnyDataIsSent()
    {
        using var certificate = ClusterCa.SelfSigned("server", ["127.0.0.1"], DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var echo = EchoOnceAsync(listener, certificate);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var e = await Assert.ThrowsAsync<AuthenticationException>(() =>
            TlsClientStream.ConnectAsync(tcp.GetStream(), "127.0.0.1", _ => "not this one", CancellationToken.None).WaitAsync(Patience));
        Assert.Equal("not this one", e.Message);
        // The server saw the handshake end and then the connection close: no application data at all.
        Assert.Equal(0, await echo.WaitAsync(Patience));
    }

    [Fact]
    public async Task ThePeerCheckSeesTheServersCertificate()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var record = ClusterCa.Create("home", secret, DateTimeOffset.UtcNow);
        using var leaf = ClusterCa.Issue(record, secret, "master", ["127.0.0.1"], DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var echo = EchoOnceAsync(listener, leaf);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        string? seen = null;
        var trust = new CaTrust(null, null, acceptSelfSigned: false);
        await using (await TlsClientStream.ConnectAsync(tcp.GetStream(), "localhost", ssl => PeerCertificates.Check(ssl, trust, out seen), CancellationToken.None)
            .WaitAsync(Patience))
        {
            Assert.Equal(ClusterCa.Fingerprint(record.Certificate), seen);
        }
        await echo.WaitAsync(Patience);
    }

    [Fact]
    public async Task TheCliNamesAServerThatAnswersInPlainTextOrNotAtAll()
    {
        // A plain-HTTP server: it answers the ClientHello with a 400 of its own and closes.
        using var plain = new TcpListener(IPAddress.Loopback, 0);
        plain.Start();
        var plainServer = Task.Run(async () =>
        {
            using var client = await plain.AcceptTcpClientAsync();
            var stream = client.GetStream();
            _ = await stream.ReadAsync(new byte[1024]);   // the ClientHello, or part of it
            await stream.WriteAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        });
        using (var client = new ApiClient("127.0.0.1", ((IPEndPoint)plain.LocalEndpoint).Port, "the-bearer-token-0123456789", new CaTrust(null, null, acceptSelfSigned: false)))
        {
            var e = await Assert.ThrowsAsync<CliException>(() => client.StatusAsync(CancellationToken.None).WaitAsync(Patience));
            Assert.Contains("TLS handshake with the server failed", e.Message);
            Assert.Contains("--insecure-http needs --master http://", e.Message);
        }
        await plainServer.WaitAsync(Patience);

        // A server that accepts and never says a word: the connect timeout ends it with a sentence, not a stack trace.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<TcpClient>();
        var silentServer = Task.Run(async () => held.Add(await silent.AcceptTcpClientAsync()));
        try
        {
            using var client = new ApiClient("127.0.0.1", ((IPEndPoint)silent.LocalEndpoint).Port, "the-bearer-token-0123456789", new CaTrust(null, null, acceptSelfSigned: false));
            var e = await Assert.ThrowsAsync<CliException>(() => client.StatusAsync(CancellationToken.None).WaitAsync(Patience));
            Assert.Contains("no connection within 5 s", e.Message);
        }
        finally
        {
            await silentServer.WaitAsync(Patience);
            foreach (var c in held) c.Dispose();
        }
    }

    [Fact]
    public async Task AServerThatClosesInTheHandshakeIsAnErrorNotAHang()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            _ = await client.GetStream().ReadAsync(new byte[1024]);   // the ClientHello, then close
        });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var e = await Assert.ThrowsAsync<IOException>(() =>
            TlsClientStream.ConnectAsync(tcp.GetStream(), "127.0.0.1", _ => null, CancellationToken.None).WaitAsync(Patience));
        Assert.Contains("closed the connection during the TLS handshake", e.Message);
        await server.WaitAsync(Patience);
    }

    /// <summary>Accepts one TLS client and echoes what it sends until it closes; the number of bytes echoed.</summary>
    private static Task<long> EchoOnceAsync(TcpListener listener, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) => Task.Run(async () =>
    {
        using var client = await listener.AcceptTcpClientAsync();
        await using var ssl = new SslStream(client.GetStream());
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
        var buffer = new byte[32 * 1024];
        long total = 0;
        try
        {
            int n;
            while ((n = await ssl.ReadAsync(buffer)) > 0)
            {
                await ssl.WriteAsync(buffer.AsMemory(0, n));
                total += n;
            }
        }
        catch (IOException)
        {
            // The client closed without a close_notify.
        }
        return total;
    });
}
