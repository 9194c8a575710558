using Microsoft.Extensions.Logging;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Master;

/// <summary>
/// The built-in apps framework as an allocator framework on the leader: registered in role "*" with weight 1, its
/// instances charged to it, it is offered resources by DRF in the same rounds as external frameworks, launches only
/// within its offers after the allocator's Accept checks (those an external accept gets) and gives back at once what it
/// does not use. It is suppressed while no app waits for resources, so rounds it has no use for pass it by.
/// </summary>
internal sealed partial class MasterService
{
    /// <summary>
    /// Unused offers go back under this decline filter: short, so the next rounds offer those agents to others first;
    /// cleared whenever an app is created or changed (<see cref="AppOffersAsync"/> with revive).
    /// </summary>
    public const double AppsDeclineSeconds = 2;

    private static AllocatorFeed WithAppsFramework(AllocatorFeed feed)
    {
        feed.Allocator.AddFramework(AppsFrameworkId);
        feed.Allocator.Suppress(AppsFrameworkId);
        return feed;
    }

    /// <summary>
    /// The start of an apps pass on the leader: one allocation round (its offers to external frameworks are sent too),
    /// then the offers the apps framework holds on agents that accept tasks (those on others go back).
    /// <paramref name="revive"/> clears its decline filters and suppression: an app was created or changed.
    /// </summary>
    public async Task<IReadOnlyList<Offer>> AppOffersAsync(bool revive)
    {
        var sends = new List<(FrameworkSession Session, WireMessage Message)>();
        List<Offer> offers;
        lock (_gate)
        {
            var now = Now();
            var allocator = Feed().Allocator;
            if (revive) allocator.Revive(AppsFrameworkId);
            AllocateLocked(now, sends);
            var held = allocator.OutstandingOffers.Where(o => o.FrameworkId == AppsFrameworkId).ToList();
            offers = held.Where(o => _channels.ContainsKey(o.AgentId) && _state.AcceptsTasks(o.AgentId)).ToList();
            var closed = held.Except(offers).Select(o => o.Id).ToList();
            if (closed.Count > 0) allocator.Decline(AppsFrameworkId, closed, now, AppsDeclineSeconds);
        }
        foreach (var (session, message) in sends) await session.SendAsync(message).ConfigureAwait(false);
        return offers;
    }

    /// <summary>
    /// The end of an apps pass: accepts each used offer with its launches (a refused accept is logged and its instances
    /// wait for the next pass), declines the rest of <paramref name="held"/> (under <see cref="AppsDeclineSeconds"/>,
    /// or none when <paramref name="limited"/>: the pass stopped at its launch limit, so the next can use them),
    /// suppresses the framework unless <paramref name="wantsOffers"/>, and commits the accepted launches in one batch.
    /// Returns the ids launched.
    /// </summary>
    public async Task<IReadOnlySet<string>> LaunchOnOffersAsync(IReadOnlyList<(string OfferId, TaskLaunch Task, PlacedLaunch Placed)> launches,
        IReadOnlyList<Offer> held, bool wantsOffers, bool limited, CancellationToken cancellationToken)
    {
        var accepted = new List<PlacedLaunch>(launches.Count);
        bool wake;
        lock (_gate)
        {
            var now = Now();
            var feed = Feed();
            var allocator = feed.Allocator;
            foreach (var group in launches.GroupBy(l => l.OfferId, StringComparer.Ordinal))
            {
                var result = allocator.Accept(AppsFrameworkId, [group.Key], group.Select(l => l.Task).ToList(), now, 0);
                if (!result.Accepted)
                {
                    logger.LogWarning("apps: accept of offer {Offer} refused: {Reason}; its {Count} instance(s) wait for the next pass", group.Key,
                        result.Reason, group.Count());
                    continue;
                }
                foreach (var launch in group)
                {
                    feed.Launching(launch.Placed.TaskId, AppsFrameworkId, result.AgentId!, launch.Task.Resources);
                    accepted.Add(launch.Placed);
                }
            }
            var used = launches.Select(l => l.OfferId).ToHashSet(StringComparer.Ordinal);
            var outstanding = allocator.OutstandingOffers.Where(o => o.FrameworkId == AppsFrameworkId).Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
            var unused = held.Select(o => o.Id).Where(id => !used.Contains(id) && outstanding.Contains(id)).ToList();
            if (unused.Count > 0) allocator.Decline(AppsFrameworkId, unused, now, limited ? 0 : AppsDeclineSeconds);
            // Wanting offers again after a pass without: run the next pass at once, so it need not wait for the upkeep round.
            wake = wantsOffers && allocator.IsSuppressed(AppsFrameworkId);
            if (wantsOffers) allocator.Unsuppress(AppsFrameworkId);
            else allocator.Suppress(AppsFrameworkId);
        }
        if (wake) Changed();
        return await LaunchAcceptedAsync(accepted, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Commits launches an allocator accept charged; those not launched give their resources back to the allocator.</summary>
    private async Task<IReadOnlySet<string>> LaunchAcceptedAsync(IReadOnlyList<PlacedLaunch> launches, CancellationToken cancellationToken)
    {
        IReadOnlySet<string> launched = new HashSet<string>();
        try
        {
            launched = await LaunchBatchAsync(launches, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
                foreach (var launch in launches.Where(l => !launched.Contains(l.TaskId))) _feed?.LaunchFailed(launch.TaskId);
        }
        return launched;
    }
}
