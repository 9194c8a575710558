using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Discovery;
using MiniMesos.Net.Discovery;

namespace MiniMesos.Net.Hosts;

/// <summary>
/// mDNS for a node: advertises it as _minimesos._tcp (TXT: role, cluster, node, version, api port) and keeps the
/// masters of its cluster that the LAN shows. Discovery only proposes peers: every connection still proves the
/// cluster secret. Without a usable multicast interface it says so once and the node relies on --join/--master.
/// </summary>
internal sealed class NodeDiscovery : IAsyncDisposable
{
    private readonly MdnsAdvertiser? _advertiser;
    private readonly MdnsBrowser? _browser;
    private readonly ConcurrentDictionary<string, string> _masters = new(StringComparer.Ordinal);

    private NodeDiscovery(MdnsAdvertiser? advertiser, MdnsBrowser? browser)
    {
        _advertiser = advertiser;
        _browser = browser;
    }

    /// <summary>Raised with "host:port" of the cluster port of every master seen (again).</summary>
    public event Action<string>? MasterFound;

    /// <summary>Cluster-port addresses of the masters currently visible.</summary>
    public IReadOnlyList<string> Masters => _masters.Values.Distinct().Order(StringComparer.Ordinal).ToList();

    /// <param name="interfaces">IPv4 addresses of the interfaces to use; null = every suitable one.</param>
    public static NodeDiscovery Start(string role, string cluster, string nodeId, ushort clusterPort, ushort? apiPort, string? advertiseHost,
        IReadOnlyList<IPAddress>? interfaces, ILogger logger)
    {
        MdnsAdvertiser? advertiser = null;
        MdnsBrowser? browser = null;
        try
        {
            IReadOnlyList<IPAddress> addresses = IPAddress.TryParse(advertiseHost, out var ip) && !IPAddress.IsLoopback(ip) ? [ip] : [];
            var options = new MdnsOptions(interfaces);
            advertiser = new MdnsAdvertiser(ServiceInstance.ForNode($"{role} {nodeId}", role, cluster, nodeId, BuildInfo.Version, clusterPort, apiPort, addresses),
                options);
            advertiser.Start();
            browser = new MdnsBrowser(cluster, options);
            var discovery = new NodeDiscovery(advertiser, browser);
            browser.Changed += discovery.OnChanged;
            browser.Start();
            logger.LogInformation("mDNS: advertising {Role} {Node} of cluster '{Cluster}' as _minimesos._tcp.local", role, nodeId, cluster);
            return discovery;
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException or IOException)
        {
            logger.LogWarning("mDNS unavailable ({Error}): use --join (masters) and --master (agents) to find peers", e.Message);
            _ = advertiser?.DisposeAsync().AsTask();
            _ = browser?.DisposeAsync().AsTask();
            return new NodeDiscovery(null, null);
        }
    }

    private void OnChanged(DiscoveryEvent change)
    {
        var service = change.Service;
        if (!service.Txt.TryGetValue(ServiceInstance.RoleKey, out var role) || role != "master") return;
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

    public async ValueTask DisposeAsync()
    {
        // Goodbye packets (TTL 0) let peers forget this node at once.
        if (_advertiser is not null) await _advertiser.DisposeAsync().ConfigureAwait(false);
        if (_browser is not null) await _browser.DisposeAsync().ConfigureAwait(false);
    }
}
