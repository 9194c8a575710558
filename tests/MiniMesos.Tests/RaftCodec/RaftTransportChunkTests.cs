using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Raft;
using MiniMesos.Net.Logging;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;
using MiniMesos.Net.Wire;
using Xunit;

namespace MiniMesos.Tests.RaftCodec;

/// <summary>
/// The receiving side of <see cref="RaftTransport"/> over a real authenticated loopback connection: a chunked Raft message
/// is delivered whole, an unknown message type is logged once, and a chunk out of order ends the connection with the reason.
/// </summary>
[Trait("Category", "Slow")]
public sealed class RaftTransportChunkTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private readonly StringWriter _log = new();
    private readonly List<RaftMessage> _delivered = [];
    private LineLoggerProvider _logs = null!;
    private RaftTransport _transport = null!;
    private TcpListener _listener = null!;
    private PeerConnection _sender = null!;
    private PeerConnection _receiver = null!;
    private Task _serving = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _logs = new LineLoggerProvider("test", LogLevel.Information, TextWriter.Synchronized(_log));
        _transport = new RaftTransport(new PeerDirectory(new MasterPeer(2, "", "")), Identity("2"), WireOptions.Cluster, _logs.CreateLogger("raft"))
        {
            Deliver = m => { lock (_delivered) _delivered.Add(m); },
        };
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        var accepting = Task.Run(async () => await PeerConnection.AcceptAsync(await _listener.AcceptSocketAsync(), Identity("2"), WireOptions.Cluster,
            CancellationToken.None));
        _sender = await PeerConnection.ConnectAsync("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port, Identity("1"), WireOptions.Cluster,
            CancellationToken.None);
        _receiver = await accepting.WaitAsync(Patience);
        _serving = _transport.ServeAsync(_receiver, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _sender.DisposeAsync();
        await _serving.WaitAsync(Patience).ContinueWith(_ => { }, TaskScheduler.Default); // may have ended with the refusal under test
        await _receiver.DisposeAsync();
        await _transport.DisposeAsync();
        _listener.Stop();
        _listener.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task AChunkedSnapshotIsDeliveredWholeAndAnUnknownTypeIsLoggedOnce()
    {
        var data = RandomNumberGenerator.GetBytes(WireOptions.DefaultMaxFrameBytes + 1000);
        var message = new RaftMessage(MessageKind.InstallSnapshot, 1, 2, 4)
        {
            Snapshot = new Snapshot(new SnapshotMetadata(500, 4, new ClusterConfig([1, 2, 3])), data),
        };
        // {"t":"future"}, as a newer master might send.
        var frame = new byte[] { 0x81, 0xa1, (byte)'t', 0xa6, (byte)'f', (byte)'u', (byte)'t', (byte)'u', (byte)'r', (byte)'e' };
        await _sender.SendEncodedAsync(frame, CancellationToken.None);
        var chunks = await RaftChunking.SendAsync(_sender, RaftMessageCodec.EncodeMemory(message), 1, () => Task.CompletedTask, CancellationToken.None);
        await _sender.SendEncodedAsync(frame, CancellationToken.None);
        await _sender.SendAsync(new RaftEnvelope(new RaftMessage(MessageKind.Heartbeat, 1, 2, 4) { Commit = 500 }), CancellationToken.None);

        await Eventually.TrueAsync(() => Delivered().Count >= 2, "the snapshot and the heartbeat are delivered", Patience);
        var delivered = Delivered();
        Assert.Equal([MessageKind.InstallSnapshot, MessageKind.Heartbeat], delivered.Select(m => m.Kind));
        Assert.Equal(data, delivered[0].Snapshot!.Data);
        Assert.Equal(message.Snapshot.Metadata, delivered[0].Snapshot!.Metadata);
        Assert.Equal(5, chunks);
        var log = _log.ToString();
        Assert.Single(log.Split('\n'), l => l.Contains("sent messages of type 'future', which this master does not know"));
        Assert.Contains($"raft: received InstallSnapshot of {RaftMessageCodec.EncodeMemory(message).Length} bytes from master 1 in 5 chunks", log);
    }

    [Fact]
    public async Task AChunkOutOfOrderEndsTheConnectionSayingWhy()
    {
        var payload = RandomNumberGenerator.GetBytes(10_000);
        var chunks = RaftChunking.Split(payload, 3, 4000).ToList();
        await _sender.SendAsync(chunks[0], CancellationToken.None);
        await _sender.SendAsync(chunks[2], CancellationToken.None);
        var refused = await Assert.ThrowsAsync<ProtocolException>(() => _serving.WaitAsync(Patience));
        Assert.Equal("malformed raft_chunk: chunk 2 of transfer 3 is out of order: expected chunk 1", refused.Message);
        Assert.Empty(Delivered());
    }

    private List<RaftMessage> Delivered()
    {
        lock (_delivered) return [.. _delivered];
    }

    private HandshakeOptions Identity(string node) => new(node, "master", "test", _secret);
}
