using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MiniMesos.Core.State;
using MiniMesos.Net.Cli;
using MiniMesos.Net.Http;
using MiniMesos.Net.Security;
using MiniMesos.Net.Wire;
using MiniMesos.Tests.EndToEnd;
using Xunit;

namespace MiniMesos.Tests.Tls;

/// <summary>TLS on a real master and agent: what a wiretap sees, a CA that is not the pinned one, plain text, renewal.</summary>
public sealed class TlsEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NoTokenEnvValueOrLogLineCrossesTheClusterPortOrTheApiInClear()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        await using var clusterTap = TcpRelay.Recording(cluster.ClusterPort.Port);
        await using var apiTap = TcpRelay.Recording(cluster.Api.Port);
        await cluster.StartAgentAsync("tapped", cluster.Secret, "test", masterPort: clusterTap.Port);
        using var client = new ApiClient("127.0.0.1", apiTap.Port, cluster.Secret.Token, new CaTrust(cluster.CaFingerprint, null, acceptSelfSigned: false));
        const string envValue = "env-value-7f3a9c21";
        const string logLine = "log-line-51b2e8d4";
        var task = await client.SubmitAsync(new TaskSubmitRequest(null, $"echo {logLine}; test \"$TAPPED\" = {envValue}", "tapped", 0.1, 32,
            new Dictionary<string, string> { ["TAPPED"] = envValue }), CancellationToken.None);
        var output = new MemoryStream();
        await client.FollowLogAsync(task.Id, "stdout", output, CancellationToken.None).WaitAsync(Patience);
        Assert.Contains(logLine, Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal("TASK_FINISHED", (await client.GetTaskAsync(task.Id, CancellationToken.None)).State); // the env arrived

        foreach (var (name, bytes) in new[] { ("cluster port", clusterTap.Recorded), ("API", apiTap.Recorded) })
        {
            Assert.True(bytes.Length > 1000, $"the {name} tap recorded only {bytes.Length} bytes");
            foreach (var secret in new[] { cluster.Secret.Token, envValue, logLine })
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"'{secret}' crossed the {name} in clear");
        }
    }

    [Fact]
    public async Task ANodeAndTheCliHoldingOurCaRefuseAMasterWithAnotherNamingBothFingerprints()
    {
        await using var ours = await InProcessCluster.StartAsync(agents: 0);
        await using var theirs = await InProcessCluster.StartAsync(agents: 0);

        // An agent given our mm1 token dials their master (a man in the middle with a CA of its own): refused before the handshake.
        await theirs.StartAgentAsync("pinned", ClusterSecret.Parse(ours.PinnedToken, "test"), "test", waitForRegistration: false);
        var deadline = DateTime.UtcNow + Patience;
        while (!theirs.Log.ToString().Contains($"trusts only {ours.CaFingerprint}") && DateTime.UtcNow < deadline) await Task.Delay(50);
        var log = theirs.Log.ToString();
        Assert.Contains($"the server's cluster CA is {theirs.CaFingerprint}, but this node trusts only {ours.CaFingerprint}", log);
        Assert.Empty(theirs.Master.Service.Agents());

        // The CLI with our pinned token: refused at TLS, so the bearer token is never written.
        using var pinned = new ApiClient("127.0.0.1", theirs.Api.Port, ours.Secret.Token, new CaTrust(ours.CaFingerprint, null, acceptSelfSigned: false));
        var refused = await Assert.ThrowsAsync<CliException>(() => pinned.StatusAsync(CancellationToken.None));
        Assert.Contains(ours.CaFingerprint, refused.Message);
        Assert.Contains(theirs.CaFingerprint, refused.Message);
        // `run` opens a second connection while it submits: both are checked, the refusal is
        // what the command reports, and no task reaches their master.
        var runRefused = await Assert.ThrowsAsync<CliException>(() => RunCommand.RunAsync(pinned,
            new TaskSubmitRequest(null, "true", "mitm", 0.1, 16, null), detach: false, TextWriter.Null, TextWriter.Null));
        Assert.Contains(theirs.CaFingerprint, runRefused.Message);
        Assert.Empty(theirs.Master.Service.Tasks());

        // Trust on first use: a bare token pins our CA on first contact, and their master is refused afterwards.
        var pinFile = Path.Combine(ours.Dir, "cli-pin");
        using (var first = new ApiClient("127.0.0.1", ours.Api.Port, ours.Secret.Token, new CaTrust(null, pinFile, acceptSelfSigned: false)))
            await first.StatusAsync(CancellationToken.None);
        Assert.Equal(ours.CaFingerprint, File.ReadAllText(pinFile).Trim());
        using var later = new ApiClient("127.0.0.1", theirs.Api.Port, ours.Secret.Token, new CaTrust(null, pinFile, acceptSelfSigned: false));
        var mismatch = await Assert.ThrowsAsync<CliException>(() => later.StatusAsync(CancellationToken.None));
        Assert.Contains($"pinned in {pinFile}", mismatch.Message);
    }

    [Fact]
    public async Task AResumedTlsSessionIsStillCheckedAgainstThePin()
    {
        // .NET resumes a TLS 1.3 session to a host name it connected to before (not to an IP address); a resumed handshake
        // carries no certificate, so the check against the pinned CA must still run on the certificate of the session.
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        var host = $"resume-{Guid.NewGuid():N}.test";   // the client's session cache key: no other test shares it
        var ours = new CaTrust(cluster.CaFingerprint, null, acceptSelfSigned: false);
        var (fullBytes, fullChecks) = await HandshakeAsync(host, ours);
        Assert.Equal(1, fullChecks);
        var (resumedBytes, resumedChecks) = await HandshakeAsync(host, ours);
        Assert.True(resumedBytes < fullBytes / 2, $"not resumed: {resumedBytes} bytes from the server against {fullBytes} for the full handshake");
        Assert.Equal(1, resumedChecks);
        // A client pinning another CA is refused on a resumed session too.
        var other = new CaTrust(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), null, acceptSelfSigned: false);
        await Assert.ThrowsAsync<AuthenticationException>(() => HandshakeAsync(host, other));

        async Task<(long ServerBytes, int Checks)> HandshakeAsync(string targetHost, CaTrust trust)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(cluster.Api);
            var counting = new CountingStream(tcp.GetStream());
            await using var ssl = new SslStream(counting);
            var checks = 0;
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = targetHost,
                CertificateChainPolicy = CaTrust.ChainPolicy(),
                RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                {
                    checks++;
                    return trust.Check(certificate, chain, out _) is null;
                },
            });
            var handshakeBytes = counting.BytesRead;
            // Read an answer to the end, so the session tickets that follow the handshake are taken in.
            await ssl.WriteAsync("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());
            await ssl.CopyToAsync(Stream.Null);
            return (handshakeBytes, checks);
        }
    }

    /// <summary>Counts the bytes read from the server.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.WriteAsync(buffer, offset, count, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        private int Counted(int n)
        {
            BytesRead += n;
            return n;
        }
    }

    [Fact]
    public async Task PlainTextAndOlderTlsAreRefusedAtOnce()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);

        // A plain-text node (no TLS) gets a refusal it can read, naming TLS.
        using (var plain = new TcpClient())
        {
            await plain.ConnectAsync(cluster.ClusterPort);
            await using var frames = new FramedConnection(plain.GetStream(), WireOptions.Cluster);
            var e = await Assert.ThrowsAsync<HandshakeRefusedException>(() =>
                Handshake.ClientAsync(frames, new HandshakeOptions("old-agent", "agent", "test", cluster.Secret.Key), CancellationToken.None).WaitAsync(Patience));
            Assert.Contains("TLS 1.3", e.Message);
        }

        // TLS 1.2 on the cluster port: refused in the TLS handshake.
        using (var old = new TcpClient())
        {
            await old.ConnectAsync(cluster.ClusterPort);
            await using var ssl = new SslStream(old.GetStream());
            await Assert.ThrowsAnyAsync<Exception>(() => ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                EnabledSslProtocols = SslProtocols.Tls12,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }).WaitAsync(Patience));
        }

        // Plain HTTP on the API port fails at once instead of hanging.
        using var http = new HttpClient { Timeout = Patience };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://{cluster.Api}/v1/status"));
    }

    [Fact]
    public async Task TheServerCertificateIsRenewedWhileTheClusterServes()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 1, certLifetime: TimeSpan.FromSeconds(6));
        var first = cluster.Master.Tls.Server.Current;
        Assert.Equal(cluster.CaFingerprint, first.CaFingerprint);
        var deadline = DateTime.UtcNow + Patience;
        var calls = 0;
        while (ReferenceEquals(cluster.Master.Tls.Server.Current, first) && DateTime.UtcNow < deadline)
        {
            using var client = cluster.Client(); // a new connection each time: each gets the certificate current then
            await client.StatusAsync(CancellationToken.None);
            calls++;
            await Task.Delay(200);
        }
        var renewed = cluster.Master.Tls.Server.Current;
        Assert.NotSame(first, renewed);
        Assert.True(calls > 0);
        Assert.Equal(cluster.CaFingerprint, renewed.CaFingerprint);
        Assert.True(renewed.NotAfter > first.NotAfter);

        // New connections get the new certificate and a pinned agent still joins; the first agent kept serving.
        string? seen = null;
        using (var http = new HttpClient(new SocketsHttpHandler
               {
                   SslOptions = { RemoteCertificateValidationCallback = (_, c, _, _) => (seen = c?.GetCertHashString()) is not null },
               }))
        {
            await http.GetAsync($"https://{cluster.Api}/health");
        }
        Assert.Equal(cluster.Master.Tls.Server.Current.Leaf.GetCertHashString(), seen);
        await cluster.StartAgentAsync("after-renewal", ClusterSecret.Parse(cluster.PinnedToken, "test"), "test");
        using var after = cluster.Client();
        var task = await after.SubmitAsync(new TaskSubmitRequest(null, "true", "after", 0.1, 16, null), CancellationToken.None);
        var until = DateTime.UtcNow + Patience;
        while ((await after.GetTaskAsync(task.Id, CancellationToken.None)).State != "TASK_FINISHED" && DateTime.UtcNow < until) await Task.Delay(100);
        Assert.Equal("TASK_FINISHED", (await after.GetTaskAsync(task.Id, CancellationToken.None)).State);
    }

    [Fact]
    public async Task TheCliRefusesAForgedExpiredOrStrangeServerCertificateBeforeSendingItsToken()
    {
        // A TLS server on loopback presenting certificates made for the purpose; the CLI pins the genuine CA.
        var secret = RandomNumberGenerator.GetBytes(32);
        var now = DateTimeOffset.UtcNow;
        var genuine = ClusterCa.Create("home", secret, now.AddDays(-30)); // old enough to have issued the expired certificate
        var pin = ClusterCa.Fingerprint(genuine.Certificate);
        string[] names = ["127.0.0.1", "localhost"];
        var stranger = ClusterCa.Create("home", secret, now.AddDays(-30)); // same name, another key
        var cases = new (string What, X509Certificate2 Leaf, string Expected)[]
        {
            ("another CA", ClusterCa.Issue(stranger, secret, "mitm", names, now, TimeSpan.FromDays(1)),
                $"the server's cluster CA is {ClusterCa.Fingerprint(stranger.Certificate)}, but this node trusts only {pin}"),
            ("expired", ClusterCa.Issue(genuine, secret, "old", names, now.AddDays(-10), TimeSpan.FromDays(1)), $"names CA {pin}, but is not validly issued"),
            ("not yet valid", ClusterCa.Issue(genuine, secret, "early", names, now.AddDays(2), TimeSpan.FromDays(1)), $"names CA {pin}, but is not validly issued"),
            ("the right CA's name and certificate, another key", Forge(genuine, stranger, secret, now), $"names CA {pin}, but is not validly issued"),
            ("self-signed", ClusterCa.SelfSigned("bare", names, now, TimeSpan.FromDays(1)), "missing (it presents a self-signed certificate)"),
        };
        foreach (var (what, leaf, expected) in cases)
        {
            using (leaf)
            await using (var server = new OneCertificateServer(leaf))
            {
                using var client = new ApiClient("127.0.0.1", server.Port, "the-bearer-token-0123456789", new CaTrust(pin, null, acceptSelfSigned: false));
                var e = await Assert.ThrowsAsync<CliException>(() => client.SendAsync(HttpMethod.Get, "/v1/status", null, CancellationToken.None).WaitAsync(Patience));
                Assert.True(e.Message.Contains("refusing the master") && e.Message.Contains(expected), $"{what}: {e.Message}");
                Assert.Equal(0, server.Requests);
            }
        }

        // The same server with a genuine certificate is accepted (the refusals above are the certificates', not the harness's).
        using var good = ClusterCa.Issue(genuine, secret, "master", names, now, TimeSpan.FromDays(1));
        await using (var server = new OneCertificateServer(good))
        {
            using var client = new ApiClient("127.0.0.1", server.Port, "the-bearer-token-0123456789", new CaTrust(pin, null, acceptSelfSigned: false));
            Assert.Equal(200, (await client.SendAsync(HttpMethod.Get, "/v1/status", null, CancellationToken.None).WaitAsync(Patience)).Status);
            Assert.Equal(1, server.Requests);
        }
    }

    /// <summary>A server certificate naming <paramref name="genuine"/> as its issuer and carrying its certificate, signed by another CA's key of the same name.</summary>
    private static X509Certificate2 Forge(ClusterCaRecord genuine, ClusterCaRecord other, byte[] secret, DateTimeOffset now)
    {
        using var otherKey = ClusterCa.Unseal(other, secret);
        using var otherCa = ClusterCa.Certificate(other).CopyWithPrivateKey(otherKey);
        using var genuineCa = ClusterCa.Certificate(genuine);
        Assert.Equal(genuineCa.SubjectName.RawData, otherCa.SubjectName.RawData);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=forged", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509Extension(new Oid(ClusterCa.CaExtensionOid), genuine.Certificate, critical: false));
        using var issued = request.Create(otherCa, now.AddMinutes(-10), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>A loopback HTTPS server with one certificate that answers every request 200 and counts the requests it read.</summary>
    private sealed class OneCertificateServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);
        private readonly X509Certificate2 _certificate;
        private readonly Task _accepting;
        private int _requests;

        public OneCertificateServer(X509Certificate2 certificate)
        {
            _certificate = certificate;
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public int Port => ((System.Net.IPEndPoint)_listener.LocalEndpoint).Port;
        public int Requests => Volatile.Read(ref _requests);

        private async Task AcceptAsync()
        {
            for (var i = 0; i < 20; i++)
            {
                TcpClient tcp;
                try
                {
                    tcp = await _listener.AcceptTcpClientAsync();
                }
                // Stopped (DisposeAsync): while waiting, or before the loop came round to the next accept ("Not listening").
                catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                _ = ServeAsync(tcp);
            }
        }

        private async Task ServeAsync(TcpClient tcp)
        {
            using (tcp)
            {
                try
                {
                    await using var ssl = new SslStream(tcp.GetStream());
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }).WaitAsync(Patience);
                    var buffer = new byte[4096];
                    var read = 0;
                    while (read < buffer.Length && buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8) < 0)
                    {
                        var n = await ssl.ReadAsync(buffer.AsMemory(read)).AsTask().WaitAsync(Patience);
                        if (n == 0) return;
                        read += n;
                    }
                    Interlocked.Increment(ref _requests);
                    await ssl.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray());
                }
                catch (Exception e) when (e is IOException or AuthenticationException or TimeoutException or ObjectDisposedException)
                {
                    // The client refused the certificate (the point of most cases) or went away.
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _accepting;
        }
    }
}
