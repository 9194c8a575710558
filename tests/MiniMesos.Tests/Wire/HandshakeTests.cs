using System.Diagnostics;
using System.Text;
using MiniMesos.Net.Wire;
using Xunit;

namespace MiniMesos.Tests.Wire;

public sealed class HandshakeTests
{
    private static readonly byte[] Secret = Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef");
    private static readonly byte[] OtherSecret = Encoding.ASCII.GetBytes("fedcba9876543210fedcba9876543210");

    private readonly CancellationToken _ct = TestContext.Timeout(20);

    private static HandshakeOptions Agent(byte[]? secret = null, string cluster = "prod", int version = 1) =>
        new("a1", "agent", cluster, secret ?? Secret, version);

    private static HandshakeOptions Master(byte[]? secret = null, string cluster = "prod", int version = 1) =>
        new("m1", "master", cluster, secret ?? Secret, version);

    [Theory]
    [InlineData(TestTransport.Tcp, false)]
    [InlineData(TestTransport.Pipe, false)]
    [InlineData(TestTransport.Tcp, true)]
    [InlineData(TestTransport.Pipe, true)]
    public async Task MutualSuccessAndConnectionStaysUsable(string kind, bool masterDials)
    {
        await using var t = await TestTransport.CreateAsync(kind);
        var (client, server) = t.Connections();
        HandshakeOptions dialer = masterDials ? Master() : Agent(), listener = masterDials ? Agent() : Master();
        Task<PeerInfo> s = Handshake.ServerAsync(server, listener, _ct);
        PeerInfo seenByClient = await Handshake.ClientAsync(client, dialer, _ct);
        PeerInfo seenByServer = await s;
        Assert.Equal(new PeerInfo(listener.NodeId, listener.Role, "prod", 1), seenByClient);
        Assert.Equal(new PeerInfo(dialer.NodeId, dialer.Role, "prod", 1), seenByServer);
        await client.SendFrameAsync(new byte[] { 0x80 }, _ct);
        Assert.Equal(new byte[] { 0x80 }, await server.ReceiveFrameAsync(_ct));
    }

    [Theory]
    [InlineData("agent", null)]
    [InlineData("master", "an agent token only registers an agent: role 'master' needs the admin token")]
    [InlineData("framework", "an agent token only registers an agent: role 'framework' needs the admin token")]
    public async Task AnAgentKeyProvesTheAgentSecretAndOnlyForTheAgentRole(string role, string? refusal)
    {
        await using var t = await TestTransport.CreateAsync(TestTransport.Pipe);
        var (client, server) = t.Connections();
        var dialer = new HandshakeOptions("n1", role, "prod", OtherSecret) { Key = HandshakeOptions.AgentKey };
        var listener = Master() with { SecretFor = key => key == HandshakeOptions.AgentKey ? OtherSecret : null };
        if (refusal is null)
        {
            var s = Handshake.ServerAsync(server, listener, _ct);
            await Handshake.ClientAsync(client, dialer, _ct);
            Assert.Equal(HandshakeOptions.AgentKey, (await s).Key);
            return;
        }
        var (c, sv) = await RunBothAsync(client, server, dialer, listener);
        Assert.Equal(refusal, c.Reason);
        Assert.Equal(refusal, sv.Reason);
        Assert.True(c.RefusedByPeer);
    }

    [Fact]
    public async Task AWrongAgentSecretIsRefusedNamingTheAgentToken()
    {
        await using var t = await TestTransport.CreateAsync(TestTransport.Pipe);
        var (client, server) = t.Connections();
        var dialer = Agent(Secret) with { Key = HandshakeOptions.AgentKey };
        var listener = Master() with { SecretFor = key => key == HandshakeOptions.AgentKey ? OtherSecret : null };
        var (c, _) = await RunBothAsync(client, server, dialer, listener);
        Assert.StartsWith("wrong agent token", c.Reason);
    }

    [Theory]
    [InlineData(TestTransport.Tcp, true)]
    [InlineData(TestTransport.Tcp, false)]
    [InlineData(TestTransport.Pipe, true)]
    [InlineData(TestTransport.Pipe, false)]
    public async Task WrongSecretIsRefusedOnBothSides(string kind, bool clientHasWrongSecret)
    {
        await using var t = await TestTransport.CreateAsync(kind);
        var (client, server) = t.Connections();
        var (c, s) = await RunBothAsync(client, server,
            clientHasWrongSecret ? Agent(OtherSecret) : Agent(), clientHasWrongSecret ? Master() : Master(OtherSecret));
        // The client checks the server's proof first, so it is the one that detects the mismatch.
        Assert.Equal("wrong cluster secret", c.Reason);
        Assert.Equal("wrong cluster secret", s.Reason);
        Assert.False(c.RefusedByPeer);
        Assert.True(s.RefusedByPeer);
        Assert.Matches(@"^peer .+ \(master m1\) refused: wrong cluster secret$", c.Message);
        Assert.Matches(@"^peer .+ \(agent a1\) refused: wrong cluster secret$", s.Message);
        Assert.True(client.IsClosed && server.IsClosed);
    }

    [Theory]
    [InlineData(TestTransport.Tcp)]
    [InlineData(TestTransport.Pipe)]
    public async Task WrongClusterAndWrongVersionAreRefused(string kind)
    {
        await using (var t = await TestTransport.CreateAsync(kind))
        {
            var (client, server) = t.Connections();
            var (c, s) = await RunBothAsync(client, server, Agent(cluster: "dev"), Master());
            Assert.Equal("wrong cluster: client is in 'dev', server is in 'prod'", s.Reason);
            Assert.Equal(s.Reason, c.Reason);
            Assert.False(s.RefusedByPeer);
            Assert.True(c.RefusedByPeer);
            Assert.Matches(@"^peer .+ \(master m1\) refused: wrong cluster", c.Message);
        }
        await using (var t = await TestTransport.CreateAsync(kind))
        {
            var (client, server) = t.Connections();
            var (c, s) = await RunBothAsync(client, server, Agent(version: 2), Master());
            Assert.Equal("protocol version mismatch: client speaks 2, server speaks 1", s.Reason);
            Assert.Equal(s.Reason, c.Reason);
        }
    }

    [Theory]
    [InlineData(TestTransport.Tcp)]
    [InlineData(TestTransport.Pipe)]
    public async Task RefusalSendsOneRefusedFrameThenCloses(string kind)
    {
        await using var t = await TestTransport.CreateAsync(kind);
        var server = new FramedConnection(t.ServerStream, WireOptions.Default);
        var raw = new FramedConnection(t.ClientStream, WireOptions.Default);
        Task<PeerInfo> s = Handshake.ServerAsync(server, Master(), _ct);
        await raw.SendFrameAsync(RawClient.Hello("x1", "agent", "other", 1, new byte[32]).Encode(), _ct);
        var refused = HandshakeMessage.Decode((await raw.ReceiveFrameAsync(_ct))!);
        Assert.Equal("refused", refused.Type);
        Assert.Equal("m1", refused.Node);
        Assert.Null(await raw.ReceiveFrameAsync(_ct)); // nothing else: closed
        var e = await Assert.ThrowsAsync<HandshakeRefusedException>(() => s);
        Assert.Matches(@"^peer .+ \(agent x1\) refused: wrong cluster: client is in 'other', server is in 'prod'$", e.Message);
    }

    [Theory]
    [InlineData(TestTransport.Tcp)]
    [InlineData(TestTransport.Pipe)]
    public async Task ReplayedProofFromAnEarlierSessionIsRefused(string kind)
    {
        // A legitimate session, recorded by a client that knows the secret.
        RawClient.Recording recorded;
        await using (var t = await TestTransport.CreateAsync(kind))
        {
            var server = new FramedConnection(t.ServerStream, WireOptions.Default);
            var raw = new FramedConnection(t.ClientStream, WireOptions.Default);
            Task<PeerInfo> s = Handshake.ServerAsync(server, Master(), _ct);
            recorded = await RawClient.LegitimateAsync(raw, Agent(), _ct);
            Assert.Equal("a1", (await s).NodeId);
        }
        // An attacker without the secret replays the same hello and proof: the fresh server nonce makes it fail.
        await using (var t = await TestTransport.CreateAsync(kind))
        {
            var server = new FramedConnection(t.ServerStream, WireOptions.Default);
            var raw = new FramedConnection(t.ClientStream, WireOptions.Default);
            Task<PeerInfo> s = Handshake.ServerAsync(server, Master(), _ct);
            await raw.SendFrameAsync(recorded.Hello, _ct);
            var challenge = HandshakeMessage.Decode((await raw.ReceiveFrameAsync(_ct))!);
            Assert.NotEqual(recorded.ServerNonce, challenge.Nonce);
            await raw.SendFrameAsync(recorded.Proof, _ct);
            var e = await Assert.ThrowsAsync<HandshakeRefusedException>(() => s);
            Assert.Equal("wrong cluster secret", e.Reason);
            Assert.False(e.RefusedByPeer);
            Assert.Equal("refused", HandshakeMessage.Decode((await raw.ReceiveFrameAsync(_ct))!).Type);
        }
    }

    [Fact]
    public async Task ServerProofReflectedAsClientProofIsRefused()
    {
        await using var t = await TestTransport.CreateAsync(TestTransport.Pipe);
        var server = new FramedConnection(t.ServerStream, WireOptions.Default);
        var raw = new FramedConnection(t.ClientStream, WireOptions.Default);
        Task<PeerInfo> s = Handshake.ServerAsync(server, Master(), _ct);
        await raw.SendFrameAsync(RawClient.Hello("m1", "master", "prod", 1, new byte[32]).Encode(), _ct);
        var challenge = HandshakeMessage.Decode((await raw.ReceiveFrameAsync(_ct))!);
        await raw.SendFrameAsync(new HandshakeMessage("proof") { ProofBytes = challenge.ProofBytes }.Encode(), _ct);
        var e = await Assert.ThrowsAsync<HandshakeRefusedException>(() => s);
        Assert.Equal("wrong cluster secret", e.Reason);
    }

    [Fact]
    public async Task SecretNeverCrossesTheWire()
    {
        await using var t = await TestTransport.CreateAsync(TestTransport.Pipe);
        var clientTap = new RecordingStream(t.ClientStream);
        var serverTap = new RecordingStream(t.ServerStream);
        var client = new FramedConnection(clientTap, WireOptions.Default);
        var server = new FramedConnection(serverTap, WireOptions.Default);
        Task<PeerInfo> s = Handshake.ServerAsync(server, Master(), _ct);
        await Handshake.ClientAsync(client, Agent(), _ct);
        await s;
        byte[] wire = [.. clientTap.Written, .. serverTap.Written];
        Assert.True(wire.Length > 100);
        Assert.Equal(-1, wire.AsSpan().IndexOf(Secret));
        Assert.Equal(-1, wire.AsSpan().IndexOf(Secret.AsSpan(0, 8)));
    }

    [Theory]
    [InlineData(TestTransport.Tcp)]
    [InlineData(TestTransport.Pipe)]
    public async Task SilentPeerHitsTheHandshakeTimeout(string kind)
    {
        await using var t = await TestTransport.CreateAsync(kind);
        var server = new FramedConnection(t.ServerStream, WireOptions.Default);
        var sw = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<WireException>(() =>
            Handshake.ServerAsync(server, Master() with { Timeout = TimeSpan.FromMilliseconds(300) }, _ct));
        Assert.Contains("timed out after 0.3 s", e.Message);
        Assert.InRange(sw.Elapsed.TotalSeconds, 0.25, 5);
        Assert.True(server.IsClosed);
    }

    [Fact]
    public async Task GarbageHandshakesOnlyFailWithHandshakeOrWireExceptions()
    {
        int seed = Environment.TickCount;
        var rng = new Random(seed);
        byte[] validHello = RawClient.Hello("a1", "agent", "prod", 1, new byte[32]).Encode();
        var sw = Stopwatch.StartNew();
        int refused = 0, wire = 0;
        for (int i = 0; i < 400; i++)
        {
            byte[] payload = (byte[])validHello.Clone();
            switch (i % 4)
            {
                case 0: payload = new byte[rng.Next(0, 80)]; rng.NextBytes(payload); break;
                case 1: payload[rng.Next(payload.Length)] ^= (byte)(1 << rng.Next(8)); break;
                case 2: payload = payload[..rng.Next(payload.Length)]; break;
                default: payload[rng.Next(payload.Length)] = (byte)rng.Next(256); break;
            }
            await using var t = await TestTransport.CreateAsync(TestTransport.Pipe);
            var server = new FramedConnection(t.ServerStream, WireOptions.Default);
            var raw = new FramedConnection(t.ClientStream, WireOptions.Default);
            Task<PeerInfo> s = Handshake.ServerAsync(server, Master() with { Timeout = TimeSpan.FromSeconds(5) }, _ct);
            await raw.SendFrameAsync(payload, _ct);
            if (rng.Next(2) == 0)
                await raw.SendFrameAsync(RandomBytes(rng), _ct); // garbage where the proof should be
            await raw.DisposeAsync();
            try
            {
                await s;
                Assert.Fail($"seed {seed}: a garbage handshake succeeded");
            }
            catch (HandshakeRefusedException e)
            {
                Assert.DoesNotContain('\n', e.Message);
                refused++;
            }
            catch (WireException)
            {
                wire++;
            }
        }
        Assert.True(refused > 100 && wire > 0, $"seed {seed}: {refused} refused, {wire} wire errors");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"seed {seed}: took {sw.Elapsed}");
    }

    [Fact]
    public async Task GarbageFromAServerOnlyFailsTheClientWithHandshakeOrWireExceptions()
    {
        int seed = Environment.TickCount;
        var rng = new Random(seed);
        byte[] validChallenge = new HandshakeMessage(HandshakeMessage.Challenge)
        {
            Version = 1, Cluster = "prod", Node = "m1", Role = "master", Nonce = new byte[32], ProofBytes = new byte[32],
        }.Encode();
        int refused = 0, wire = 0;
        for (int i = 0; i < 200; i++)
        {
            byte[] payload = (byte[])validChallenge.Clone();
            switch (i % 3)
            {
                case 0: payload = RandomBytes(rng); break;
                case 1: payload[rng.Next(payload.Length)] ^= (byte)(1 << rng.Next(8)); break;
                default: payload = payload[..rng.Next(payload.Length)]; break;
            }
            await using var t = await TestTransport.CreateAsync(TestTransport.Pipe);
            var client = new FramedConnection(t.ClientStream, WireOptions.Default);
            var raw = new FramedConnection(t.ServerStream, WireOptions.Default);
            Task<PeerInfo> c = Handshake.ClientAsync(client, Agent() with { Timeout = TimeSpan.FromSeconds(5) }, _ct);
            Assert.NotNull(await raw.ReceiveFrameAsync(_ct)); // the hello
            await raw.SendFrameAsync(payload, _ct);
            await raw.DisposeAsync();
            try
            {
                await c;
                Assert.Fail($"seed {seed}: a garbage challenge was accepted");
            }
            catch (HandshakeRefusedException)
            {
                refused++;
            }
            catch (WireException)
            {
                wire++;
            }
        }
        Assert.True(refused > 100, $"seed {seed}: {refused} refused, {wire} wire errors");
    }

    private static byte[] RandomBytes(Random rng)
    {
        var b = new byte[rng.Next(0, 64)];
        rng.NextBytes(b);
        return b;
    }

    private async Task<(HandshakeRefusedException Client, HandshakeRefusedException Server)> RunBothAsync(
        FramedConnection client, FramedConnection server, HandshakeOptions clientOptions, HandshakeOptions serverOptions)
    {
        Task<PeerInfo> s = Handshake.ServerAsync(server, serverOptions, _ct);
        Task<PeerInfo> c = Handshake.ClientAsync(client, clientOptions, _ct);
        var ce = await Assert.ThrowsAsync<HandshakeRefusedException>(() => c);
        var se = await Assert.ThrowsAsync<HandshakeRefusedException>(() => s);
        Assert.DoesNotContain(Encoding.ASCII.GetString(Secret), ce.Message + se.Message);
        return (ce, se);
    }
}
