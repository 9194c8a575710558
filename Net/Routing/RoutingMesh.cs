using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Routing;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Routing;

/// <summary>
/// The agent's routing mesh: listens on every service port of the leader's table and forwards each connection to an
/// instance anywhere in the cluster (<see cref="EndpointPicker"/>), trying the next one when a connect fails; listeners
/// open and close as the table changes. Ports it cannot bind, and ports inside this agent's own task port range (they
/// belong to tasks, so it never takes them), are reported in <see cref="Unbound"/>, never fatal. Optional virtual hosts
/// on the shared HTTP port (<see cref="VhostProxy"/>).
/// </summary>
internal sealed class RoutingMesh : IDisposable
{
    private const int MaxAttempts = 5;

    /// <summary>SO_SNDBUF of the connection to an instance (the kernel doubles it), fixed instead of auto-tuned (up to
    /// tcp_wmem's 4 MiB): measured on loopback (bench/routing-mesh), the mesh's CPU per byte relayed above the direct
    /// path's fell by about half (+446 to +229 ms per GB, with the 1 MiB pipes), and its throughput from 42% to 71% of
    /// direct in the same run. The instance is in the cluster (a LAN, round trips under a millisecond), where 1 MiB in
    /// flight still allows about 1 GB/s per connection; the client's side, maybe far away, keeps the auto-tuning.</summary>
    private const int UpstreamSendBufferBytes = 512 * 1024;

    private readonly object _gate = new();
    private readonly RouteTable _table = new();
    private readonly Dictionary<int, MeshListener> _listeners = [];
    private readonly Dictionary<int, string> _unbound = [];
    private readonly MeshOptions _options;
    private readonly PortRanges _taskPorts;
    private readonly ILogger _logger;
    private readonly IPAddress _address;
    private readonly EndpointPicker _picker;
    private MeshListener? _http;

    public RoutingMesh(MeshOptions options, PortRanges taskPorts, ILogger logger)
    {
        (_options, _taskPorts, _logger) = (options, taskPorts, logger);
        _address = options.BindAddress ?? IPAddress.Any;
        _picker = new EndpointPicker(options.Balance);
    }

    /// <summary>The ports that are not listened on and why; a change raises <see cref="StatusChanged"/> (the agent tells the master).</summary>
    public IReadOnlyDictionary<int, string> Unbound
    {
        get
        {
            lock (_gate) return new Dictionary<int, string>(_unbound);
        }
    }

    public IReadOnlyList<int> Listening
    {
        get
        {
            lock (_gate) return _listeners.Keys.Order().ToList();
        }
    }

    public long TableVersion
    {
        get
        {
            lock (_gate) return _table.Version;
        }
    }

    public event Action? StatusChanged;

    /// <summary>Opens the shared HTTP port of virtual hosts (a port that cannot be bound is reported, the mesh runs on).</summary>
    public void Start()
    {
        if (_options.HttpPort == 0) return;
        var proxy = new VhostProxy(this);
        var (listener, error) = MeshListener.TryOpen(_address, _options.HttpPort, proxy.ServeAsync, _options.MaxConnections, _logger);
        lock (_gate)
        {
            _http = listener;
            if (error is not null) _unbound[_options.HttpPort] = $"virtual hosts: {error}";
        }
        if (error is not null)
            _logger.LogWarning("routing mesh: cannot listen on HTTP port {Port} for virtual hosts ({Error}); give --http-port another port", _options.HttpPort, error);
        else
            _logger.LogInformation("routing mesh: virtual hosts on HTTP port {Port}", _options.HttpPort);
        StatusChanged?.Invoke();
    }

    /// <summary>Applies the leader's push and opens or closes listeners to match.</summary>
    public void Apply(ServiceTableUpdate update)
    {
        bool changed;
        lock (_gate)
        {
            if (!_table.Apply(update.Version, update.BaseVersion, update.Changed, update.Removed))
            {
                _logger.LogWarning("routing mesh: service table change {Version} builds on {Base}, this agent has {Mine}: ignored until the next whole table",
                    update.Version, update.BaseVersion, _table.Version);
                return;
            }
            changed = Reconcile();
            _picker.Retain(_table.Routes.Values.SelectMany(r => r.Endpoints));
        }
        if (changed) StatusChanged?.Invoke();
    }

    /// <summary>Under the lock: listeners for exactly the table's ports; true when the unbound ports changed.</summary>
    private bool Reconcile()
    {
        var before = string.Join(";", _unbound.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"));
        var wanted = _table.Routes.Keys.ToHashSet();
        foreach (var port in _listeners.Keys.Where(p => !wanted.Contains(p)).ToList())
        {
            _listeners.Remove(port, out var listener);
            listener!.Dispose();
            _logger.LogInformation("routing mesh: closed service port {Port}", port);
        }
        foreach (var port in _unbound.Keys.Where(p => !wanted.Contains(p) && !(p == _options.HttpPort && _http is null)).ToList()) _unbound.Remove(port);
        foreach (var port in wanted.Where(p => !_listeners.ContainsKey(p)).Order())
        {
            string? error;
            if (_taskPorts.Contains(port)) error = "inside this agent's task port range (--resources ports): tasks may use it";
            else if (port == _options.HttpPort) error = "the HTTP port of virtual hosts";
            else
            {
                (var listener, error) = MeshListener.TryOpen(_address, port, (client, ct) => ForwardAsync(client, port, default, ct), _options.MaxConnections, _logger);
                if (listener is not null)
                {
                    _listeners[port] = listener;
                    _unbound.Remove(port);
                    _logger.LogInformation("routing mesh: listening on service port {Port} ({App})", port, _table.Routes[port].AppId);
                    continue;
                }
            }
            if (_unbound.GetValueOrDefault(port) != error)
                _logger.LogWarning("routing mesh: not listening on service port {Port} ({App}): {Error}", port, _table.Routes[port].AppId, error);
            _unbound[port] = error!;
        }
        return before != string.Join(";", _unbound.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"));
    }

    /// <summary>The service port whose app has <paramref name="host"/> as its virtual host, or null.</summary>
    public int? PortForHost(string host)
    {
        lock (_gate) return _table.PortForHost(host);
    }

    private IReadOnlyList<ServiceEndpoint> Endpoints(int port)
    {
        lock (_gate) return _table.Routes.TryGetValue(port, out var route) ? route.Endpoints : [];
    }

    /// <summary>Connects <paramref name="client"/> to an instance behind <paramref name="port"/> (sending <paramref name="prefix"/> first) and relays until both sides end.</summary>
    public async Task<bool> ForwardAsync(Socket client, int port, ReadOnlyMemory<byte> prefix, CancellationToken cancellationToken)
    {
        var connected = await ConnectAsync(port, cancellationToken).ConfigureAwait(false);
        if (connected is not var (upstream, endpoint)) return false;
        try
        {
            if (!prefix.IsEmpty) await upstream.SendAsync(prefix, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            await TcpPump.RunAsync(client, upstream, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            upstream.Dispose();
            _picker.Closed(endpoint);
        }
        return true;
    }

    /// <summary>A connection to one of the port's instances, trying others (up to 5) when a connect fails or takes over 1 s; null when none answers.</summary>
    private async Task<(Socket, ServiceEndpoint)?> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var tried = new HashSet<ServiceEndpoint>();
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (_picker.Pick(Endpoints(port), tried, Environment.TickCount64) is not { } endpoint) break;
            tried.Add(endpoint);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendBufferSize = UpstreamSendBufferBytes };
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(MeshOptions.ConnectTimeout);
                await socket.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token).ConfigureAwait(false);
                _picker.Opened(endpoint);
                return (socket, endpoint);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                if (cancellationToken.IsCancellationRequested) throw;
                _picker.Failed(endpoint, Environment.TickCount64);
                _logger.LogDebug("routing mesh port {Port}: {Endpoint} did not answer ({Error}); trying another instance", port, endpoint, e.Message);
            }
        }
        return null;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var listener in _listeners.Values) listener.Dispose();
            _listeners.Clear();
            _http?.Dispose();
            _http = null;
        }
    }
}
