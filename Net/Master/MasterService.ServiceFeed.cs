using Microsoft.Extensions.Logging;
using MiniMesos.Core.Model;
using MiniMesos.Core.Routing;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Master;

/// <summary>
/// The leader's push of the routing mesh's service table to every connected agent (<see cref="ServiceTable"/>): after any
/// change (a commit, a health report, an agent leaving) it rebuilds the table and sends each agent what changed since
/// what that agent was sent (the whole table to a newly connected one). A connection is ordered, so the changes apply
/// in sequence; a new connection starts again from the whole table.
/// </summary>
internal sealed partial class MasterService
{
    /// <summary>Gathers changes that arrive together (a batch of commits) into one push.</summary>
    private static readonly TimeSpan FeedCoalesce = TimeSpan.FromMilliseconds(15);
    private static readonly TimeSpan FeedIdle = TimeSpan.FromSeconds(1);

    private readonly Dictionary<IAgentChannel, (long Version, IReadOnlyDictionary<int, ServiceRoute> Routes)> _fed = [];
    private long _tableVersion;
    private readonly Dictionary<string, MeshStatus> _meshes = new(StringComparer.Ordinal);

    /// <summary>An agent's routing mesh state as it last reported it (in memory, this leader only).</summary>
    public void MeshReported(string agentId, MeshStatus status)
    {
        lock (_gate) _meshes[agentId] = status;
    }

    /// <summary>The agent's last mesh report, or null (no mesh, an older agent, or not reported to this leader).</summary>
    public MeshStatus? Mesh(string agentId)
    {
        lock (_gate) return _channels.ContainsKey(agentId) ? _meshes.GetValueOrDefault(agentId) : null;
    }

    /// <summary>The table as this leader would push it now.</summary>
    public SortedDictionary<int, ServiceRoute> ServiceRoutes()
    {
        lock (_gate)
        {
            return ServiceTable.Build(_state.Apps.Values, _state.Apps.Count == 0 ? [] : _state.Tasks.Values,
                id => _health.GetValueOrDefault(id)?.Status,
                agentId => _channels.TryGetValue(agentId, out var channel) ? channel.Address ?? _state.Agents.GetValueOrDefault(agentId)?.Hostname : null);
        }
    }

    /// <summary>Runs until cancelled: on the leader, keeps every connected agent's table current.</summary>
    public async System.Threading.Tasks.Task RunServiceFeedAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // Waits without an exception: a TimeoutException each idle second was the only exception an idle master
            // threw, and unwinding it kept ~2 MB of the binary's exception tables resident (bench/idle-rss).
            var changed = WaitForChangeAsync(cancellationToken);
            if (await System.Threading.Tasks.Task.WhenAny(changed, System.Threading.Tasks.Task.Delay(FeedIdle, cancellationToken)).ConfigureAwait(false) == changed)
                await System.Threading.Tasks.Task.Delay(FeedCoalesce, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (cancellationToken.IsCancellationRequested) break;
            if (IsLeader) await FeedAgentsAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async System.Threading.Tasks.Task FeedAgentsAsync(CancellationToken cancellationToken)
    {
        var table = ServiceRoutes();
        var sends = new List<System.Threading.Tasks.Task>();
        lock (_gate)
        {
            var connected = _channels.Values.ToHashSet();
            foreach (var gone in _fed.Keys.Where(c => !connected.Contains(c)).ToList()) _fed.Remove(gone);
            foreach (var channel in connected)
            {
                ServiceTableUpdate update;
                if (!_fed.TryGetValue(channel, out var sent))
                    update = new ServiceTableUpdate(++_tableVersion, 0, table.Values.ToList(), []);
                else
                {
                    var (changed, removed) = ServiceTable.Diff(sent.Routes, table);
                    if (changed.Count == 0 && removed.Count == 0) continue;
                    update = new ServiceTableUpdate(++_tableVersion, sent.Version, changed, removed);
                }
                _fed[channel] = (update.Version, table);
                sends.Add(PushAsync(channel, update, cancellationToken));
            }
        }
        await System.Threading.Tasks.Task.WhenAll(sends).ConfigureAwait(false);
    }

    private async System.Threading.Tasks.Task PushAsync(IAgentChannel channel, ServiceTableUpdate update, CancellationToken cancellationToken)
    {
        try
        {
            await channel.PushServicesAsync(update, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or Wire.WireException)
        {
            // The session closes itself on a failed send; its next connection starts from the whole table.
            lock (_gate) _fed.Remove(channel);
            logger.LogDebug("could not push the service table: {Error}", e.Message);
        }
    }
}
