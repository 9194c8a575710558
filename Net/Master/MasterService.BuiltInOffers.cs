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

    /// <summary>
    /// The start of a built-in framework's pass on the leader: one allocation round (its offers to external frameworks
    /// are sent too), then the offers <paramref name="frameworkId"/> holds on agents that accept tasks (those on others
    /// go back). <paramref name="revive"/> clears its decline filters and suppression first.
    /// </summary>
    public async Task<IReadOnlyList<Offer>> BuiltInOffersAsync(string frameworkId, bool revive)
    {
        var (offers, sends) = _offers.BuiltInOffers(frameworkId, revive, AppsDeclineSeconds);
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
        (accepted, wake) = _offers.AcceptBuiltIn(frameworkId, launches, held, wantsOffers, declineSeconds);
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
            _offers.LaunchesFailed(launches.Where(l => !launched.Contains(l.TaskId)).Select(l => l.TaskId));
        }
        return launched;
    }
}
