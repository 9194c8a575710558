using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Raft;
using MiniMesos.Net.Master;
using MiniMesos.Net.Raft;
using MiniMesos.Net.Storage;
using MiniMesos.Net.Wire;

namespace MiniMesos.Bench;

/// <summary>
/// One master's Raft, wired as MasterHost wires it (SqliteRaftStore, RaftTransport over authenticated TCP
/// connections on loopback, ClusterListener, RaftHost), driving the given state machine (a <see cref="CountingMachine"/>
/// for raw Raft throughput, a real MasterService for bench/placement, which then also serves the cluster port).
/// </summary>
internal sealed class BenchMaster : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SqliteRaftStore _store;
    private readonly RaftTransport _transport;
    private readonly Task _listener;

    public BenchMaster(ulong id, IReadOnlyList<(ulong Id, int Port)> members, byte[] secret, string dir, TimeSpan tick, IRaftStateMachine machine,
        MasterService? service = null, bool tls = false)
    {
        ILogger logger = NullLogger.Instance;
        var port = members.Single(m => m.Id == id).Port;
        _store = SqliteRaftStore.Open(dir, new StoreIdentity("bench", id));
        var directory = new PeerDirectory(new MasterPeer(id, $"127.0.0.1:{port}", ""));
        foreach (var member in members.Where(m => m.Id != id)) directory.Learn(new MasterPeer(member.Id, $"127.0.0.1:{member.Port}", ""));
        var identity = new HandshakeOptions(id.ToString(), "master", "bench", secret)
        {
            Tls = tls ? new ClusterTls(new MiniMesos.Net.Security.ServerCertificate($"bench {id}", ["127.0.0.1"], TimeSpan.FromDays(1), TimeProvider.System),
                new MiniMesos.Net.Security.CaTrust(null, null, acceptSelfSigned: true)) : null,
        };
        var wire = new WireOptions();
        _transport = new RaftTransport(directory, identity, wire, logger);
        var listener = new ClusterListener(service ?? new MasterService(TimeProvider.System, logger), identity, wire, logger, () => "", _transport.ServeAsync);
        _listener = listener.RunAsync(new IPEndPoint(IPAddress.Loopback, port), _stop.Token);
        Meter = new PersistMeter(_store.Persist);
        var node = new RaftNode(new RaftOptions { Id = id, InitialVoters = members.Select(m => m.Id).ToList() },
            new RaftStorage(_store, _store, _store), new SeededRaftRandom(RandomNumberGenerator.GetInt32(int.MaxValue)));
        Machine = machine;
        Raft = new RaftHost(node, Meter.Persist, _transport, machine, tick, logger);
        _transport.Deliver = Raft.Step;
    }

    public RaftHost Raft { get; }
    public IRaftStateMachine Machine { get; }
    public PersistMeter Meter { get; }

    /// <summary>Index of the leader among <paramref name="masters"/>, once there is one (30 s at most).</summary>
    public static async Task<int> LeaderIndexAsync(IReadOnlyList<BenchMaster> masters)
    {
        for (var i = 0; i < 300; i++)
        {
            for (var m = 0; m < masters.Count; m++)
                if (masters[m].Raft.IsLeader) return m;
            await Task.Delay(100);
        }
        throw new TimeoutException($"no leader among the {masters.Count} masters within 30 s");
    }

    /// <summary>A loopback TCP port free right now.</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _listener;
        }
        catch (OperationCanceledException)
        {
        }
        await Raft.DisposeAsync();
        await _transport.DisposeAsync();
        _store.Dispose();
        _stop.Dispose();
    }
}
