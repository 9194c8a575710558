using Microsoft.Extensions.Logging;
using MiniMesos.Core.Model;
using MiniMesos.Core.Routing;
using MiniMesos.Core.State;
using MiniMesos.Net.Master.Agents;
using MiniMesos.Net.Master.State;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Master.Leader;

/// <summary>
/// The leader's push of the routing mesh's service table to every connected agent (<see cref="ServiceTable"/>): after any
/// change (a commit, a health report, an agent leaving) it rebuilds the table and sends each agent what changed since
/// what that agent was sent (the whole table to a newly connected one). A connection is ordered, so the changes apply
/// in sequence; a new connection starts again from the whole table. Its own lock, over what each agent was sent.
/// </summary>
internal sealed class ServiceTableFeed(ReplicatedState replicated, AgentRegistry agents, TaskHealthBook health, ILogger logger)
{
    /// <summary>Gathers changes that arrive together (a batch of commits) into one push.</summary>
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(15);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<IAgentChannel, (long Version, IReadOnlyDictionary<int, ServiceRoute> Routes)> _fed = [];
    private long _tableVersion;

    /// <summary>
    /// The table as this leader would push it now. Built after every change, so it reads through
    /// <see cref="ReplicatedState.Read"/> (the view when current, else one scan of the state under the apply lock, as
    /// before the split) rather than copying the whole state each time.
    /// </summary>
    public SortedDictionary<int, ServiceRoute> Routes()
    {
        var addresses = agents.Connections().ToDictionary(kv => kv.Key, kv => kv.Value.Address, StringComparer.Ordinal);
        return replicated.Read(state => Build(state, addresses));
    }

    /// <summary>Runs while this master leads (one of its <see cref="LeaderServices"/>): keeps every connected agent's table current.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Release(); // a new term: every connection starts from the whole table
        // Waits without an exception: a TimeoutException each idle second was the only exception an idle master threw,
        // and unwinding it kept ~2 MB of the binary's exception tables resident (bench/idle-rss).
        while (!cancellationToken.IsCancellationRequested)
        {
            var changed = replicated.Signal.Next;
            if (await Task.WhenAny(changed, Task.Delay(Idle, cancellationToken)).ConfigureAwait(false) == changed)
                await Task.Delay(Coalesce, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (cancellationToken.IsCancellationRequested) break;
            await FeedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>This master stopped leading: the next leader's connections start from the whole table.</summary>
    public void Release()
    {
        lock (_gate) _fed.Clear();
    }

    private SortedDictionary<int, ServiceRoute> Build(ClusterState state, Dictionary<string, string?> addresses) =>
        ServiceTable.Build(state.Apps.Values, state.Apps.Count == 0 ? [] : state.Tasks.Values, health.Status,
            agentId => addresses.TryGetValue(agentId, out var address) ? address ?? state.Agents.GetValueOrDefault(agentId)?.Hostname : null);

    private async Task FeedAsync(CancellationToken cancellationToken)
    {
        var table = Routes();
        var sends = new List<Task>();
        var connected = agents.Connections().Select(kv => kv.Value).ToHashSet();
        lock (_gate)
        {
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
        await Task.WhenAll(sends).ConfigureAwait(false);
    }

    private async Task PushAsync(IAgentChannel channel, ServiceTableUpdate update, CancellationToken cancellationToken)
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
