using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MiniMesos.Core.Discovery;
using MiniMesos.Net.Discovery;
using MiniMesos.Net.Hosts;

namespace MiniMesos.Net.Cli;

/// <summary>
/// Where the CLI sends API calls: --master / MINIMESOS_MASTER when given; else a master on this host
/// (127.0.0.1:5050) when one listens; else the first master the LAN shows over mDNS within a moment.
/// </summary>
internal static class MasterLocator
{
    private static readonly TimeSpan BrowseFor = TimeSpan.FromSeconds(2);

    // A loopback connect is answered by the kernel at once (accepted, or refused when nothing listens), so this bound
    // only matters on a stalled machine (an emulated arm64 VM, a Pi under load): generous, it costs a free port nothing.
    private static readonly TimeSpan LocalProbe = TimeSpan.FromSeconds(1);

    public static async Task<(string Host, int Port)> ResolveAsync(string? given, CancellationToken cancellationToken, string? configCluster = null)
    {
        if (!string.IsNullOrWhiteSpace(given)) return Endpoint.Parse(given, Defaults.ApiPort, "--master");
        if (await ListensAsync(IPAddress.Loopback, Defaults.ApiPort, cancellationToken).ConfigureAwait(false)) return ("127.0.0.1", Defaults.ApiPort);
        var found = await BrowseAsync(Environment.GetEnvironmentVariable("MINIMESOS_CLUSTER") ?? configCluster, cancellationToken).ConfigureAwait(false);
        return found ?? throw new CliException(
            "no master given and none found: nothing listens on 127.0.0.1:5050 and no master answered over mDNS; set --master or MINIMESOS_MASTER",
            ExitCodes.RuntimeError);
    }

    private static async Task<bool> ListensAsync(IPAddress address, int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(LocalProbe);
        try
        {
            await socket.ConnectAsync(address, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<(string, int)?> BrowseAsync(string? cluster, CancellationToken cancellationToken)
    {
        MdnsBrowser browser;
        try
        {
            browser = new MdnsBrowser(cluster);
            browser.Start();
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException)
        {
            return null; // no multicast here
        }
        await using (browser.ConfigureAwait(false))
        {
            var started = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(started) < BrowseFor)
            {
                var master = browser.Visible.FirstOrDefault(s =>
                    s.Txt.GetValueOrDefault(ServiceInstance.RoleKey) == "master" && s.Txt.ContainsKey(ServiceInstance.ApiPortKey)
                    && s.Addresses.Any(a => a.AddressFamily == AddressFamily.InterNetwork));
                if (master is not null && int.TryParse(master.Txt[ServiceInstance.ApiPortKey], out var api))
                    return (master.Addresses.First(a => a.AddressFamily == AddressFamily.InterNetwork).ToString(), api);
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
            return null;
        }
    }
}
