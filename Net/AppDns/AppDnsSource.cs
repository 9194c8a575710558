using System.Net;
using MiniMesos.Core.Dns;
using MiniMesos.Core.Raft;
using MiniMesos.Net.Master;
using MiniMesos.Net.Raft;

namespace MiniMesos.Net.AppDns;

/// <summary>
/// Keeps the app DNS zone current on one master, leader or follower: rebuilt from the replicated state at every state
/// change (a task starting or ending, a scale, a new app), when a health report changes an instance's status (leader),
/// when a host name resolves differently, and at least every second (a new leader, a member change).
/// </summary>
internal sealed class AppDnsSource
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly MasterService _service;
    private readonly Func<RaftStatus> _raft;
    private readonly PeerDirectory _directory;
    private readonly string _cluster;
    private readonly HostAddressBook _addresses;
    private readonly SemaphoreSlim _kick = new(0, 1);
    private volatile AppDnsZone _zone;

    public AppDnsSource(MasterService service, Func<RaftStatus> raft, PeerDirectory directory, string cluster, TimeProvider time)
    {
        _service = service;
        _raft = raft;
        _directory = directory;
        _cluster = cluster;
        _addresses = new HostAddressBook(time);
        _addresses.Changed += Kick;
        _zone = Build();
    }

    public AppDnsZone Zone => _zone;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Task? kicked = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var changed = _service.NextChange;
                // One wait on the semaphore at a time: a new one each round would pile up waiters.
                if (kicked is null || kicked.IsCompleted) kicked = _kick.WaitAsync(cancellationToken);
                await Task.WhenAny(changed, kicked, Task.Delay(MaxAge, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                _zone = Build();
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Kick()
    {
        try
        {
            _kick.Release();
        }
        catch (SemaphoreFullException)
        {
            // already kicked
        }
    }

    private AppDnsZone Build()
    {
        var status = _raft();
        var (apps, tasks, agents, _) = _service.AppsView();
        // Health reports reach the leader only; a follower serves every running instance (docs/dns.md).
        var health = status.Role == RaftRole.Leader ? _service.HealthStatuses() : null;
        var endpoints = AppDnsViewBuilder.Endpoints(apps, tasks, agents, health, agent => _addresses.Lookup(agent.Hostname));
        var leader = _directory.Get(status.Leader) is { } peer ? HostOf(peer) : [];
        var masters = status.Voters.Select(_directory.Get).OfType<MasterPeer>().SelectMany(HostOf).Distinct().ToList();
        return new AppDnsZone(new AppDnsView(_cluster, leader, masters, endpoints, (uint)status.Applied));
    }

    private IReadOnlyList<IPAddress> HostOf(MasterPeer peer)
    {
        var address = peer.ClusterAddress;
        var colon = address.LastIndexOf(':');
        var host = colon > 0 ? address[..colon] : address;
        return _addresses.Lookup(host.Trim('[', ']'));
    }
}
