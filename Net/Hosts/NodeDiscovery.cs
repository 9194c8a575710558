using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Discovery;
using MiniMesos.Net.Discovery;

namespace MiniMesos.Net.Hosts;

/// <summary>
/// mDNS for a node: advertises it as _minimesos._tcp (TXT: role, cluster, node, version, api port, and a master's CA
/// fingerprint once it knows it) and keeps the masters of its cluster that the LAN shows; a node whose token pins a CA
/// ignores masters that advertise another. Discovery only proposes peers: every connection still checks the CA and proves
/// the cluster secret. Without a usable multicast interface it says so once and the node relies on --join/--master.
/// </summary>
internal sealed class NodeDiscovery : IAsyncDisposable
{
    private readonly MdnsAdvertiser? _advertiser;
    private readonly MdnsBrowser? _browser;
    private readonly ConcurrentDictionary<string, string> _masters = new(StringComparer.Ordinal);
    private readonly string? _pinnedCa;
    private readonly ConcurrentDictionary<string, byte> _ignored = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private ServiceInstance? _advertised;

    private NodeDiscovery(MdnsAdvertiser? advertiser, MdnsBrowser? browser, ServiceInstance? advertised, string? pinnedCa, ILogger logger)
    {
        _advertiser = advertiser;
        _browser = browser;
        _advertised = advertised;
        _pinnedCa = pinnedCa;
        _logger = logger;
    }

    /// <summary>Raised with "host:port" of the cluster port of every master seen (again).</summary>
    public event Action<string>? MasterFound;

    /// <summary>Cluster-port addresses of the masters currently visible.</summary>
    public IReadOnlyList<string> Masters => _masters.Values.Distinct().Order(StringComparer.Ordinal).ToList();

    /// <param name="interfaces">IPv4 addresses of the interfaces to use; null = every suitable one.</param>
    /// <param name="pinnedCa">The CA fingerprint this node's mm1 token pins: masters advertising another CA are ignored.</param>
    public static NodeDiscovery Start(string role, string cluster, string nodeId, ushort clusterPort, ushort? apiPort, string? advertiseHost,
        IReadOnlyList<IPAddress>? interfaces, ILogger logger, string? pinnedCa = null)
    {
        MdnsAdvertiser? advertiser = null;
        MdnsBrowser? browser = null;
        try
        {
            IReadOnlyList<IPAddress> addresses = IPAddress.TryParse(advertiseHost, out var ip) && !IPAddress.IsLoopback(ip) ? [ip] : [];
            var options = new MdnsOptions(interfaces);
            var instance = ServiceInstance.ForNode($"{role} {nodeId}", role, cluster, nodeId, BuildInfo.Version, clusterPort, apiPort, addresses)
                with { RandomName = MdnsNaming.IsRandomNodeId(nodeId) };
            // The browser first: it hears every announcement made after it (its own node's announces only once it listens).
            advertiser = new MdnsAdvertiser(instance, options);
            browser = new MdnsBrowser(cluster, options);
            var discovery = new NodeDiscovery(advertiser, browser, instance, pinnedCa, logger);
            browser.Changed += discovery.OnChanged;
            browser.Start();
            advertiser.Start();
            logger.LogInformation("mDNS: advertising {Role} {Node} of cluster '{Cluster}' as _minimesos._tcp.local", role, nodeId, cluster);
            return discovery;
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException or IOException)
        {
            logger.LogWarning("mDNS unavailable ({Error}): use --join (masters) and --master (agents) to find peers", e.Message);
            _ = advertiser?.DisposeAsync().AsTask();
            _ = browser?.DisposeAsync().AsTask();
            return new NodeDiscovery(null, null, null, pinnedCa, logger);
        }
    }

    private void OnChanged(DiscoveryEvent change)
    {
        var service = change.Service;
        if (!service.Txt.TryGetValue(ServiceInstance.RoleKey, out var role) || role != "master") return;
        // An advertisement without a CA (a master before its cluster's first leader made one, an older build) is still a candidate:
        // the TLS connection checks the CA anyway. One of another CA is another cluster's (or an impostor's): never dialled.
        if (_pinnedCa is not null && service.Txt.TryGetValue(ServiceInstance.CaKey, out var ca) && ca != _pinnedCa)
        {
            if (change.Kind != DiscoveryEventKind.Removed && _ignored.TryAdd(service.InstanceName, 0))
                _logger.LogInformation("mDNS: ignoring master {Instance}: it advertises cluster CA {Theirs}, this node's token pins {Ours}",
                    Wire.Handshake.Clean(service.InstanceName), Wire.Handshake.Clean(ca), _pinnedCa);
            return;
        }
        var address = service.Addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
        if (address is null) return;
        var endpoint = $"{address}:{service.Port}";
        if (change.Kind == DiscoveryEventKind.Removed)
        {
            _masters.TryRemove(service.InstanceName, out _);
            return;
        }
        _masters[service.InstanceName] = endpoint;
        MasterFound?.Invoke(endpoint);
    }

    /// <summary>Adds the cluster CA's fingerprint to this node's advertisement (again only when it changed).</summary>
    public Task AdvertiseCaAsync(string fingerprint)
    {
        if (_advertiser is null || _advertised is null || _advertised.Txt.TryGetValue(ServiceInstance.CaKey, out var now) && now == fingerprint)
            return Task.CompletedTask;
        _advertised = _advertised with { Txt = new Dictionary<string, string>(_advertised.Txt) { [ServiceInstance.CaKey] = fingerprint } };
        return _advertiser.UpdateAsync(_advertised);
    }

    public async ValueTask DisposeAsync()
    {
        // Goodbye packets (TTL 0) let peers forget this node at once.
        if (_advertiser is not null) await _advertiser.DisposeAsync().ConfigureAwait(false);
        if (_browser is not null) await _browser.DisposeAsync().ConfigureAwait(false);
    }
}
