using System.Globalization;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Discovery;
using MiniMesos.Core.Dns;
using MiniMesos.Net.Discovery;

namespace MiniMesos.Net.Agent;

/// <summary>
/// Announces this agent's healthy app instances whose app has the MINIMESOS_DNSSD label as DNS-SD services on the LAN
/// (<c>web (pi2)._http._tcp.local</c>: PTR, SRV to the instance's first host port, TXT with the app id and version, A of
/// this host), one mDNS responder per instance with RFC 6762 probing and conflict renaming. An instance that ends, turns
/// unhealthy, or whose agent stops is withdrawn with goodbye packets (TTL 0). Checked every <see cref="Interval"/>.
/// </summary>
internal sealed class AppAnnouncer(Func<IReadOnlyList<(AppAnnouncement Announcement, bool Healthy)>> instances, string hostname, MdnsOptions options,
    ILogger logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<string, MdnsAdvertiser> _advertised = new(StringComparer.Ordinal);
    private bool _warned;

    /// <summary>Task ids announced now (tests).</summary>
    public IReadOnlyCollection<string> Announced => _advertised.Keys;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                await ReconcileAsync().ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
        // Goodbyes for everything still announced: the agent stops.
        foreach (var advertiser in _advertised.Values) await advertiser.DisposeAsync().ConfigureAwait(false);
        _advertised.Clear();
    }

    private async Task ReconcileAsync()
    {
        var wanted = instances().Where(i => i.Healthy).ToDictionary(i => i.Announcement.TaskId, i => i.Announcement, StringComparer.Ordinal);
        foreach (var taskId in _advertised.Keys.Where(id => !wanted.ContainsKey(id)).ToList())
        {
            await _advertised[taskId].DisposeAsync().ConfigureAwait(false);
            _advertised.Remove(taskId);
            logger.LogInformation("mDNS: withdrew task {Task}", taskId);
        }
        foreach (var (taskId, announcement) in wanted.Where(w => !_advertised.ContainsKey(w.Key)))
        {
            var instance = new ServiceInstance(announcement.InstanceName(hostname), announcement.Port,
                new Dictionary<string, string>
                {
                    ["app"] = announcement.AppId,
                    ["version"] = announcement.Version,
                    ["task"] = taskId,
                },
                [], ServiceType: DnsSdServiceType.Local(announcement.ServiceType));
            var advertiser = new MdnsAdvertiser(instance, options);
            try
            {
                advertiser.Start();
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException or IOException or DnsFormatException)
            {
                await advertiser.DisposeAsync().ConfigureAwait(false);
                if (!_warned) logger.LogWarning("mDNS: cannot announce app instances ({Error})", e.Message);
                _warned = true;
                continue;
            }
            _advertised[taskId] = advertiser;
            logger.LogInformation("mDNS: announcing task {Task} as '{Name}' {Type} port {Port}", taskId, instance.InstanceName, announcement.ServiceType,
                announcement.Port.ToString(CultureInfo.InvariantCulture));
        }
    }
}
