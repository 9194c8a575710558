using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using MiniMesos.Net.Agent;
using MiniMesos.Net.Cli;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Logging;
using MiniMesos.Net.Security;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>A real master and agent (Kestrel, TCP, handshake, real processes) in the test process, on loopback ports.</summary>
internal sealed class InProcessCluster : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private CancellationTokenSource _masterStop = new();
    private Task _masterStopped = Task.CompletedTask;
    private MasterOptions _masterOptions = null!;
    private readonly List<Task> _stopped = [];
    private readonly Dictionary<string, Task> _agentsStopped = [];
    private readonly LineLoggerProvider _logs;

    private InProcessCluster(string dir, ClusterSecret secret, SharedLog log)
    {
        Dir = dir;
        Secret = secret;
        Log = log;
        _logs = new LineLoggerProvider("test", LogLevel.Debug, log.Writer);
    }

    public string Dir { get; }
    public ClusterSecret Secret { get; }
    public SharedLog Log { get; }
    public IPEndPoint Api { get; private set; } = null!;
    public IPEndPoint ClusterPort { get; private set; } = null!;
    public MasterHost Master { get; private set; } = null!;

    public static async Task<InProcessCluster> StartAsync(int agents = 1, IReadOnlyList<string>? readTokens = null, Core.State.AgentTimeouts? agentTimeouts = null,
        TimeSpan? certLifetime = null)
    {
        var cluster = new InProcessCluster(Directory.CreateTempSubdirectory("minimesos-e2e-").FullName,
            new ClusterSecret(ClusterSecret.Generate(), "test"), new SharedLog());
        cluster.Api = new IPEndPoint(IPAddress.Loopback, FreePort());
        cluster.ClusterPort = new IPEndPoint(IPAddress.Loopback, FreePort());
        cluster._masterOptions = new MasterOptions(cluster.Api, cluster.ClusterPort, Path.Combine(cluster.Dir, "master"), "test", cluster.Secret,
            ReadTokens: readTokens, AgentTimeouts: agentTimeouts, CertLifetime: certLifetime);
        await cluster.StartMasterAsync();
        for (var i = 0; i < agents; i++) await cluster.StartAgentAsync($"agent{i}", cluster.Secret, "test");
        return cluster;
    }

    private async Task StartMasterAsync()
    {
        _masterStop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var (master, stopped) = await MasterHost.StartAsync(_masterOptions, _logs, _masterStop.Token);
        Master = master;
        _masterStopped = stopped;
        _stopped.Add(stopped);
    }

    /// <summary>Stops the master and starts it again on the same data dir and ports (agents stay up and reconnect).</summary>
    public async Task RestartMasterAsync()
    {
        await _masterStop.CancelAsync();
        await _masterStopped.WaitAsync(TimeSpan.FromSeconds(15));
        _masterStop.Dispose();
        await StartMasterAsync();
    }

    /// <summary>Starts an agent; with <paramref name="launch"/> its tasks are isolated (namespaces, cgroups) with those options.</summary>
    public async Task<AgentService> StartAgentAsync(string name, ClusterSecret secret, string clusterName, bool waitForRegistration = true,
        LaunchOptions? launch = null, CancellationToken stop = default, string? hostname = null, TaskUserPolicy? users = null, int? masterPort = null)
    {
        var token = stop.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, stop).Token : _stop.Token;
        var agent = AgentHost.Start(new AgentOptions([("127.0.0.1", masterPort ?? ClusterPort.Port)], Path.Combine(Dir, name), clusterName, secret,
            launch is null ? IsolationMode.None : IsolationMode.Auto, new ResourceOverrides(2, 1024, 1024), launch, Hostname: hostname, Users: users), _logs, token);
        _stopped.Add(agent.Stopped);
        _agentsStopped[name] = agent.Stopped;
        if (waitForRegistration) await agent.Connector.Registered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return agent.Service;
    }

    /// <summary>Completes when the agent last started under <paramref name="name"/> has stopped (its stop token cancelled).</summary>
    public Task AgentStopped(string name) => _agentsStopped[name];

    /// <summary>An API client that accepts only this cluster's CA (committed before StartAsync returns).</summary>
    public ApiClient Client(string? token = null) => new("127.0.0.1", Api.Port, token ?? Secret.Token, new CaTrust(CaFingerprint, null, acceptSelfSigned: false));

    public string CaFingerprint => ClusterCa.Fingerprint(Master.Service.ClusterCa!.Certificate);

    /// <summary>The mm1 token that pins this cluster's CA, as `minimesos token show` prints it.</summary>
    public string PinnedToken => Secret.Pinned(CaFingerprint);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_stopped).WaitAsync(TimeSpan.FromSeconds(15));
        _logs.Dispose();
        Directory.Delete(Dir, recursive: true);
    }

    private static int _nextPort = 20_000 + Random.Shared.Next(10_000);

    /// <summary>
    /// A port that is free now, taken below the kernel's ephemeral range (32768+): a port the kernel hands out
    /// for bind(0) can be reused at once for some outgoing connection before the test binds it.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            var port = Interlocked.Increment(ref _nextPort);
            if (port >= 32_000) Interlocked.CompareExchange(ref _nextPort, 20_000, port);
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // in use: try the next one
            }
        }
    }
}
