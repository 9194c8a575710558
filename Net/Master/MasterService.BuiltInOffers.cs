using Microsoft.Extensions.Logging;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Master;

/// <summary>
/// The built-in apps and jobs frameworks as allocator frameworks on the leader (<see cref="AppsFrameworkId"/> and
/// <see cref="TasksFrameworkId"/>, role "*", weight 1): their tasks are charged to them, they are offered resources by
/// DRF in the same rounds as external frameworks, launch only within their offers after the allocator's Accept checks
/// (those an external accept gets) and give back at once what they do not use. Each is suppressed while it waits for
/// nothing, so rounds it has no use for pass it by; the jobs framework is revived only for its own rounds.
/// </summary>
internal sealed partial class MasterService
{
    /// <summary>
    /// Unused offers of an apps pass go back under this decline filter: short, so the next rounds offer those agents to
    /// others first; cleared whenever an app is created or changed (<see cref="BuiltInOffersAsync"/> with revive).
    /// </summary>
    public const double AppsDeclineSeconds = 2;

    private static AllocatorFeed WithBuiltInFrameworks(AllocatorFeed feed)
    {
        foreach (var id in new[] { AppsFrameworkId, TasksFrameworkId })
        {
            feed.Allocator.AddFramework(id);
            feed.Allocator.Suppress(id);
        }
        return feed;
    }

    /// <summary>
    /// The start of a built-in framework's pass on the leader: one allocation round (its offers to external frameworks
    /// are sent too), then the offers <paramref name="frameworkId"/> holds on agents that accept tasks (those on others
    /// go back). <paramref name="revive"/> clears its decline filters and suppression first.
    /// </summary>
    public async Task<IReadOnlyList<Offer>> BuiltInOffersAsync(string frameworkId, bool revive)
    {
        var sends = new List<(FrameworkSession Session, WireMessage Message)>();
        List<Offer> offers;
        var state = ReadView;
        var connected = _agents.ConnectedIds();
        lock (_gate)
        {
            var now = Elapsed();
            var allocator = Feed().Allocator;
            if (revive) allocator.Revive(frameworkId);
            AllocateLocked(state, now, sends, frameworkId);
            var held = allocator.OutstandingOffers.Where(o => o.FrameworkId == frameworkId).ToList();
            offers = held.Where(o => connected.Contains(o.AgentId) && state.AcceptsTasks(o.AgentId)).ToList();
            var closed = held.Except(offers).Select(o => o.Id).ToList();
            if (closed.Count > 0) allocator.Decline(frameworkId, closed, now, AppsDeclineSeconds);
        }
        foreach (var (session, message) in sends) await session.SendAsync(message).ConfigureAwait(false);
        return offers;
    }

    /// <summary>
    /// The end of a built-in framework's pass: accepts each used offer with its launches (a refused accept is logged and
    /// its tasks wait for the next pass), declines the rest of <paramref name="held"/> under
    /// <paramref name="declineSeconds"/>, and commits the accepted launches in one batch. Unless
    /// <paramref name="wantsOffers"/> the framework is suppressed and every offer it still holds goes back. Returns the
    /// ids launched.
    /// </summary>
    public async Task<IReadOnlySet<string>> LaunchOnOffersAsync(string frameworkId,
        IReadOnlyList<(string OfferId, TaskLaunch Task, PlacedLaunch Placed)> launches, IReadOnlyList<Offer> held, bool wantsOffers,
        double declineSeconds, CancellationToken cancellationToken)
    {
        List<PlacedLaunch> accepted;
        bool wake;
        lock (_gate) (accepted, wake) = AcceptOffersLocked(frameworkId, launches, held, wantsOffers, declineSeconds);
        if (wake) Changed();
        return await LaunchAcceptedAsync(accepted, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Under the lock: accepts each used offer with its launches (a refused accept is logged and its tasks wait for the
    /// next pass), declines the rest of <paramref name="held"/> under <paramref name="declineSeconds"/>, and suppresses
    /// the framework unless <paramref name="wantsOffers"/>. Returns what was accepted (charged to the framework, not
    /// committed yet) and whether the framework's loop should run again at once.
    /// </summary>
    private (List<T> Accepted, bool Wake) AcceptOffersLocked<T>(string frameworkId, IReadOnlyList<(string OfferId, TaskLaunch Task, T Item)> launches,
        IReadOnlyList<Offer> held, bool wantsOffers, double declineSeconds)
    {
        var accepted = new List<T>(launches.Count);
        var now = Elapsed();
        var feed = Feed();
        var allocator = feed.Allocator;
        foreach (var group in launches.GroupBy(l => l.OfferId, StringComparer.Ordinal))
        {
            var result = allocator.Accept(frameworkId, [group.Key], group.Select(l => l.Task).ToList(), now, 0);
            if (!result.Accepted)
            {
                logger.LogWarning("{Framework}: accept of offer {Offer} refused: {Reason}; its {Count} task(s) wait for the next pass", frameworkId,
                    group.Key, result.Reason, group.Count());
                continue;
            }
            foreach (var launch in group)
            {
                feed.Launching(launch.Task.TaskId, frameworkId, result.AgentId!, launch.Task.Resources);
                accepted.Add(launch.Item);
            }
        }
        var used = launches.Select(l => l.OfferId).ToHashSet(StringComparer.Ordinal);
        var outstanding = allocator.OutstandingOffers.Where(o => o.FrameworkId == frameworkId).Select(o => o.Id).ToList();
        var heldIds = held.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        // Offers a round made in between (the once-a-second one) stay for the next pass, unless the framework wants none.
        var unused = outstanding.Where(id => !used.Contains(id) && (heldIds.Contains(id) || !wantsOffers)).ToList();
        if (unused.Count > 0) allocator.Decline(frameworkId, unused, now, declineSeconds);
        // Wanting offers again after a pass without: run the next pass at once, so it need not wait for the upkeep round.
        var wake = wantsOffers && allocator.IsSuppressed(frameworkId);
        if (wantsOffers) allocator.Unsuppress(frameworkId);
        else allocator.Suppress(frameworkId);
        return (accepted, wake);
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
