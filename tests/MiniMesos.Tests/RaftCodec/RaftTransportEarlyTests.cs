using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Raft;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;
using MiniMesos.Net.Wire;
using Xunit;

namespace MiniMesos.Tests.RaftCodec;

/// <summary>
/// Raft messages that reach <see cref="RaftTransport"/> before its Raft node exists (a founder's vote request while this
/// master is still forming) are held and handed over, in order, once <see cref="RaftTransport.Deliver"/> is set, over a
/// real authenticated loopback connection.
/// </summary>
public sealed class RaftTransportEarlyTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public async Task TheDirectorySignalsEachMasterLearnedSoBootstrapNeedNotPoll()
    {
        var directory = new PeerDirectory(new MasterPeer(2, "10.0.0.2:5051", ""));
        var next = directory.NextChange;
        Assert.False(directory.Learn(new MasterPeer(2, "10.0.0.2:5051", "")));   // itself: no change
        Assert.False(next.IsCompleted);
        Assert.True(directory.Learn(new MasterPeer(1, "10.0.0.1:5051", "")));
        await next.WaitAsync(Patience);
        next = directory.NextChange;
        Assert.False(directory.Learn(new MasterPeer(1, "10.0.0.1:5051", "")));   // nothing new
        Assert.False(next.IsCompleted);
        Assert.True(directory.Learn(new MasterPeer(1, "", "https://10.0.0.1:5050")));   // its API address is news
        await next.WaitAsync(Patience);
    }

    [Fact]
    public async Task MessagesBeforeTheNodeExistsAreHandedOverInOrderOnceItDoes()
    {
        await using var transport = new RaftTransport(new PeerDirectory(new MasterPeer(2, "", "")), Identity("2"), WireOptions.Cluster, NullLogger.Instance);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepting = Task.Run(async () => await PeerConnection.AcceptAsync(await listener.AcceptSocketAsync(), Identity("2"), WireOptions.Cluster,
            CancellationToken.None));
        await using var sender = await PeerConnection.ConnectAsync("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, Identity("1"),
            WireOptions.Cluster, CancellationToken.None);
        await using var receiver = await accepting.WaitAsync(Patience);
        using var stop = new CancellationTokenSource();
        var serving = transport.ServeAsync(receiver, stop.Token);

        await sender.SendAsync(new RaftEnvelope(new RaftMessage(MessageKind.PreVote, 1, 2, 1) { LogTerm = 0, Index = 0 }), CancellationToken.None);
        await sender.SendAsync(new RaftEnvelope(new RaftMessage(MessageKind.Vote, 1, 2, 1)), CancellationToken.None);
        // The transport answers a ping after it handled everything sent before it: both messages have arrived.
        await sender.SendAsync(new Ping(7), CancellationToken.None);
        Assert.Equal(new Pong(7), await sender.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Patience));

        var delivered = new List<RaftMessage>();
        transport.Deliver = delivered.Add;
        Assert.Equal([MessageKind.PreVote, MessageKind.Vote], delivered.Select(m => m.Kind));

        // Later messages go straight through.
        await sender.SendAsync(new RaftEnvelope(new RaftMessage(MessageKind.Heartbeat, 1, 2, 1)), CancellationToken.None);
        await Eventually.TrueAsync(() => delivered.Count == 3, "the heartbeat is delivered", Patience);
        Assert.Equal(MessageKind.Heartbeat, delivered[2].Kind);
        await stop.CancelAsync();
        await serving.WaitAsync(Patience).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private HandshakeOptions Identity(string node) => new(node, "master", "test", _secret);
}
