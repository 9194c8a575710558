using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Raft;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Wire;

namespace MiniMesos.Net.Raft;

/// <summary>
/// Raft messages between masters over authenticated cluster-port connections. Each master dials every other
/// master it knows and sends on that link; what it receives arrives on the links others dialed to it. Sends
/// never block: a link queues a bounded number of messages and drops the oldest (Raft resends what matters).
/// Links also gossip the directory of masters, which is how --join and bootstrap learn everyone.
/// </summary>
internal sealed class RaftTransport(PeerDirectory directory, HandshakeOptions identity, WireOptions wire, ILogger logger)
    : IRaftTransport, IAsyncDisposable
{
    private static readonly TimeSpan GossipInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, Link> _links = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly HandshakeOptions _identity = identity;
    private readonly WireOptions _wire = wire;
    private readonly ILogger _logger = logger;
    // Raft messages that arrive before the Raft node exists, handed over when it does (oldest dropped beyond the limit).
    private const int EarlyLimit = 64;
    private readonly Queue<RaftMessage> _early = new();
    private readonly Lock _earlyGate = new();
    private volatile Action<RaftMessage>? _deliver;
    private long _transfers;

    /// <summary>
    /// Where received Raft messages go, set once the Raft node exists. Messages that arrive before are held (at most
    /// 64) and handed over, in order, when it is set: right after a bootstrap the founder with the lowest id asks for
    /// votes at once, possibly while the others are still forming (they poll for the last member every 100 ms), and a
    /// dropped vote request would cost the new cluster a whole election timeout (1-2 s). A late message is only a
    /// delayed one, which Raft handles.
    /// </summary>
    public Action<RaftMessage>? Deliver
    {
        get => _deliver;
        set
        {
            lock (_earlyGate)
            {
                while (value is not null && _early.TryDequeue(out var held)) value(held);
                _deliver = value;
            }
        }
    }

    private void Receive(RaftMessage message)
    {
        if (_deliver is { } deliver)
        {
            deliver(message);
            return;
        }
        lock (_earlyGate)
        {
            if (_deliver is { } set)
            {
                set(message);
                return;
            }
            if (_early.Count == EarlyLimit) _early.Dequeue();
            _early.Enqueue(message);
        }
    }

    public void Send(RaftMessage message)
    {
        var peer = directory.Get(message.To);
        if (peer is null || peer.ClusterAddress.Length == 0) return;
        LinkTo(peer.ClusterAddress).Enqueue(new RaftEnvelope(message));
    }

    /// <summary>One line per link that runs on the admin secret a rotation replaced (a voter that has not caught up yet).</summary>
    private void LogPreviousAdmin(ulong peerId, PeerInfo peer, string direction)
    {
        if (peer.PreviousAdmin)
            _logger.LogInformation("link {Direction} master {Id} on the previous admin token (rotated; it catches up with the log and takes the new one)",
                direction, peerId);
    }

    /// <summary>Starts dialing an address whose node id is not known yet (--join); the handshake reveals it.</summary>
    public void Join(string address) => LinkTo(address);

    /// <summary>Serves a connection another master dialed to us: gossip and Raft messages in, pongs out.</summary>
    public async Task ServeAsync(PeerConnection connection, CancellationToken cancellationToken)
    {
        if (!ulong.TryParse(connection.Peer.NodeId, out var peerId) || peerId == 0)
        {
            _logger.LogWarning("master at {Remote} has node id '{Id}', not a number: ignored", connection.Remote, connection.Peer.NodeId);
            return;
        }
        Heard(peerId, connection.Peer);
        LogPreviousAdmin(peerId, connection.Peer, "from");
        var chunks = new RaftChunkAssembler();
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        while (await connection.ReceiveAsync(cancellationToken).ConfigureAwait(false) is { } message)
        {
            switch (message)
            {
                case RaftEnvelope envelope when envelope.Message.From == peerId:
                    Receive(envelope.Message);
                    break;
                case RaftChunk chunk when chunks.Add(chunk) is { } whole:
                    var joined = RaftMessageCodec.Decode(whole, LargeMessageLimits.Reader);
                    _logger.LogInformation("raft: received {Kind} of {Bytes} bytes from master {Id} in {Count} chunks",
                        joined.Kind, whole.Length, peerId, chunk.Count);
                    if (joined.From == peerId) Receive(joined);
                    break;
                case UnknownMessage other when unknown.Add(other.UnknownType):
                    _logger.LogWarning("master {Id} at {Remote} sent messages of type '{Type}', which this master does not know (a newer version?): ignored",
                        peerId, connection.Remote, other.UnknownType);
                    break;
                case MasterHello hello:
                    Learn(new MasterPeer(peerId, hello.ClusterAddress, hello.ApiUrl), hello.Known);
                    break;
                case Ping ping:
                    await connection.SendAsync(new Pong(ping.Sequence), cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_links.Values.Select(l => l.Running)).ConfigureAwait(false);
        _stop.Dispose();
    }

    private void Learn(MasterPeer peer, IEnumerable<string> known)
    {
        foreach (var candidate in known.Select(MasterPeer.Decode).Append(peer))
        {
            if (candidate is null || candidate.Id == directory.Self.Id) continue;
            if (directory.Learn(candidate)) _logger.LogInformation("learned master {Id} at {Address} (API {Api})", candidate.Id, candidate.ClusterAddress, candidate.ApiUrl);
            if (candidate.ClusterAddress.Length > 0) LinkTo(candidate.ClusterAddress);
        }
    }

    private void Heard(ulong id, PeerInfo peer) => directory.ReportVersion(id, peer.Build, peer.FeatureLevel);

    private Link LinkTo(string address) => _links.GetOrAdd(address, a => new Link(this, a));

    private MasterHello Hello() => new(directory.Self.ClusterAddress, directory.Self.ApiUrl, directory.All.Select(p => p.Encode()).ToList());

    /// <summary>One outgoing connection to one address, redialed with backoff for as long as the master runs.</summary>
    private sealed class Link
    {
        private readonly RaftTransport _owner;
        private readonly string _address;
        private readonly Channel<WireMessage> _queue = Channel.CreateBounded<WireMessage>(
            new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        private long _nextGossip; // Environment.TickCount64 (monotonic)
        private long _pings;
        private string? _refusal; // the last reason the other master gave for refusing this link (logged once per reason)

        public Link(RaftTransport owner, string address)
        {
            _owner = owner;
            _address = address;
            Running = Task.Run(RunAsync);
        }

        public Task Running { get; }

        public void Enqueue(WireMessage message) => _queue.Writer.TryWrite(message);

        private async Task RunAsync()
        {
            var ct = _owner._stop.Token;
            var backoff = TimeSpan.FromMilliseconds(100);
            var (host, port) = Endpoint.Parse(_address, Defaults.ClusterPort, "--join");
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await using var connection = await PeerConnection.ConnectAsync(host, port, _owner._identity, _owner._wire, ct).ConfigureAwait(false);
                    if (connection.Peer.NodeId == _owner._identity.NodeId) return; // our own address in --join
                    if (ulong.TryParse(connection.Peer.NodeId, out var id))
                    {
                        _owner.Learn(new MasterPeer(id, _address, ""), []);
                        _owner.Heard(id, connection.Peer);
                        _owner.LogPreviousAdmin(id, connection.Peer, "to");
                    }
                    backoff = TimeSpan.FromMilliseconds(100);
                    _refusal = null;
                    await PumpAsync(connection, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (HandshakeRefusedException e) when (e.Message != _refusal)
                {
                    // The other master answered and said no (a rotated token, another cluster, a version): an operator must
                    // see why this master stays out, once per reason, not on every redial.
                    _refusal = e.Message;
                    _owner._logger.LogWarning("link to master {Address} refused: {Reason}", _address, e.Message);
                }
                catch (Exception e) when (e is SocketException or IOException or WireException or HandshakeRefusedException
                    or ProtocolException or OperationCanceledException or ConfigException)
                {
                    _owner._logger.LogDebug("link to master {Address}: {Error}", _address, e.Message);
                }
                try
                {
                    await Task.Delay(backoff, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }

        private async Task PumpAsync(PeerConnection connection, CancellationToken ct)
        {
            await connection.SendAsync(_owner.Hello(), ct).ConfigureAwait(false);
            _nextGossip = Environment.TickCount64 + (long)GossipInterval.TotalMilliseconds;
            // Drain replies (pongs) so the peer's sends never block; their content is not needed.
            var reader = Task.Run(async () => { while (await connection.ReceiveAsync(ct).ConfigureAwait(false) is not null) { } }, ct);
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(GossipInterval);
                try
                {
                    if (await _queue.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                    {
                        while (_queue.Reader.TryRead(out var message)) await SendAsync(connection, message, ct).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                }
                if (reader.IsCompleted) await reader.ConfigureAwait(false); // surfaces a dead connection
                await KeepAliveAsync(connection, ct).ConfigureAwait(false);
            }
        }

        /// <summary>Gossip, and a ping whose pong keeps our read side alive under the cluster idle timeout, when due.</summary>
        private async Task KeepAliveAsync(PeerConnection connection, CancellationToken ct)
        {
            if (Environment.TickCount64 < _nextGossip) return;
            await connection.SendAsync(_owner.Hello(), ct).ConfigureAwait(false);
            await connection.SendAsync(new Ping(++_pings), ct).ConfigureAwait(false);
            _nextGossip = Environment.TickCount64 + (long)GossipInterval.TotalMilliseconds;
        }

        /// <summary>A Raft message larger than one frame goes as chunks, back to back (pings in between keep the link alive).</summary>
        private async Task SendAsync(PeerConnection connection, WireMessage message, CancellationToken ct)
        {
            if (message is not RaftEnvelope envelope)
            {
                await connection.SendAsync(message, ct).ConfigureAwait(false);
                return;
            }
            var payload = RaftMessageCodec.EncodeMemory(envelope.Message);
            if (payload.Length <= connection.MaxFrameBytes)
            {
                await connection.SendEncodedAsync(payload, ct).ConfigureAwait(false);
                return;
            }
            if (payload.Length > LargeMessageLimits.MaxBytes)
            {
                _owner._logger.LogError("raft: refusing to send a {Kind} of {Bytes} bytes to master {Id}: over the limit of {Limit} bytes",
                    envelope.Message.Kind, payload.Length, envelope.Message.To, LargeMessageLimits.MaxBytes);
                return;
            }
            var transfer = Interlocked.Increment(ref _owner._transfers);
            await RaftChunking.SendAsync(connection, payload, transfer, () => KeepAliveAsync(connection, ct), ct).ConfigureAwait(false);
            _owner._logger.LogDebug("raft: sent a {Kind} of {Bytes} bytes to master {Id} as transfer {Transfer}",
                envelope.Message.Kind, payload.Length, envelope.Message.To, transfer);
        }
    }
}
