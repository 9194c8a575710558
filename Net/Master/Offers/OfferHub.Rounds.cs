using Microsoft.Extensions.Logging;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Master.Offers;

/// <summary>
/// Allocation rounds: the allocator brought up to date with the state, one DRF round, offers and rescinds for the
/// external frameworks returned to send, the built-in frameworks' offers kept for their passes.
/// </summary>
internal sealed partial class OfferHub
{
    /// <summary>An unacknowledged status update is sent again after this long.</summary>
    public static readonly TimeSpan UpdateResend = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The once-a-second round: offers, rescinds and due status updates to send, the frameworks away past their failover
    /// timeout, and whether the built-in apps framework was offered anything (its pass should run).
    /// </summary>
    public (List<(FrameworkSession Session, WireMessage Message)> Sends, List<(string Id, double Timeout)> Expired, bool AppsOffered) Upkeep()
    {
        var state = replicated.View;
        var connected = agents.ConnectedIds();
        var now = elapsed();
        var sends = new List<(FrameworkSession Session, WireMessage Message)>();
        var expired = new List<(string Id, double Timeout)>();
        lock (_gate)
        {
            var appsOffered = Round(state, connected, now, sends);
            foreach (var f in state.Frameworks.Values)
            {
                var runtime = Runtime(f.Id); // a new leader counts a framework as away from its first look
                if (runtime.Session is null && now - runtime.DisconnectedSinceMs >= f.FailoverTimeoutSeconds * 1000) expired.Add((f.Id, f.FailoverTimeoutSeconds));
            }
            foreach (var (id, runtime) in _runtimes)
            {
                if (runtime.Session is { } session) sends.AddRange(DueUpdates(state, id, runtime, now).Select(u => (session, (WireMessage)u)));
            }
            return (sends, expired, appsOffered);
        }
    }

    /// <summary>
    /// The start of a built-in framework's pass: one round (its offers to external frameworks are returned to send), then
    /// the offers <paramref name="frameworkId"/> holds on connected agents that accept tasks (those on others go back
    /// under <paramref name="closedDeclineSeconds"/>). <paramref name="revive"/> clears its filters and suppression first.
    /// </summary>
    public (List<Offer> Offers, List<(FrameworkSession Session, WireMessage Message)> Sends) BuiltInOffers(string frameworkId, bool revive,
        double closedDeclineSeconds)
    {
        var state = replicated.View;
        var connected = agents.ConnectedIds();
        var sends = new List<(FrameworkSession Session, WireMessage Message)>();
        lock (_gate)
        {
            var now = elapsed();
            var allocator = Feed().Allocator;
            if (revive) allocator.Revive(frameworkId);
            Round(state, connected, now, sends, frameworkId);
            var held = allocator.OutstandingOffers.Where(o => o.FrameworkId == frameworkId).ToList();
            var offers = held.Where(o => connected.Contains(o.AgentId) && state.AcceptsTasks(o.AgentId)).ToList();
            var closed = held.Except(offers).Select(o => o.Id).ToList();
            if (closed.Count > 0) allocator.Decline(frameworkId, closed, now, closedDeclineSeconds);
            return (offers, sends);
        }
    }

    /// <summary>
    /// The end of a built-in framework's pass: accepts each used offer with its launches (a refused accept is logged and
    /// its tasks wait for the next pass), declines the rest of <paramref name="held"/> under <paramref name="declineSeconds"/>,
    /// and suppresses the framework unless <paramref name="wantsOffers"/>. Returns what was accepted (charged to the
    /// framework, not committed yet) and whether the framework's loop should run again at once.
    /// </summary>
    public (List<T> Accepted, bool Wake) AcceptBuiltIn<T>(string frameworkId, IReadOnlyList<(string OfferId, TaskLaunch Task, T Item)> launches,
        IReadOnlyList<Offer> held, bool wantsOffers, double declineSeconds)
    {
        lock (_gate)
        {
            var accepted = new List<T>(launches.Count);
            var now = elapsed();
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
    }

    /// <summary>
    /// Under the lock: brings the allocator up to date with the state and runs one allocation round; offers and rescinds
    /// for external frameworks are added to <paramref name="sends"/> (offers to one without a connection go straight
    /// back, as do those to the tasks framework outside its own rounds, <paramref name="caller"/>). Offers to the built-in
    /// apps framework stay outstanding for its pass; returns whether it got any.
    /// </summary>
    private bool Round(ClusterState state, HashSet<string> connected, long now, List<(FrameworkSession Session, WireMessage Message)> sends,
        string? caller = null)
    {
        var feed = Feed();
        ApplyRoleWeights(state, feed.Allocator);
        var rescinds = feed.Sync(state, connected, now).ToList();
        var round = feed.Allocator.Allocate(now);
        rescinds.AddRange(round.Rescinded);
        foreach (var r in rescinds)
        {
            if (SessionOf(r.FrameworkId) is { } session) sends.Add((session, new FwRescind(r.OfferId, r.Reason)));
        }
        var appsOffered = false;
        foreach (var group in round.Offers.GroupBy(o => o.FrameworkId))
        {
            if (group.Key == AllocatorFeed.Apps) appsOffered = true;
            else if (group.Key == caller) continue;
            else if (SessionOf(group.Key) is { } session) sends.Add((session, new FwOffers(group.Select(ToWire).ToList())));
            else feed.Allocator.Decline(group.Key, group.Select(o => o.Id).ToList(), now, 0);
        }
        return appsOffered;
    }

    /// <summary>Updates for the framework's tasks whose latest state it has not acknowledged (under the lock).</summary>
    private static List<FwUpdate> DueUpdates(ClusterState state, string frameworkId, FrameworkRuntime runtime, long now)
    {
        var due = new List<FwUpdate>();
        foreach (var (taskId, owner) in state.TaskFrameworks)
        {
            if (owner != frameworkId || !state.Tasks.TryGetValue(taskId, out var task)) continue;
            if (runtime.Acknowledged.TryGetValue(taskId, out var acked) && acked == task.State) continue;
            var resend = runtime.Unacknowledged.TryGetValue(taskId, out var pending) && pending.State == task.State;
            if (resend && now - pending.SentAtMs < UpdateResend.TotalMilliseconds) continue;
            var uuid = resend ? pending.Uuid : Guid.NewGuid().ToString();
            runtime.Unacknowledged[taskId] = (uuid, task.State, now);
            due.Add(UpdateOf(uuid, task));
        }
        return due;
    }

    /// <summary>A task's latest state as the Framework API sends it.</summary>
    public static FwUpdate UpdateOf(string uuid, TaskRecord t) => new(uuid, t.Id, t.State.ToWire(), t.AgentId, t.ExitCode, t.Message, t.Signal);

    private FrameworkSession? SessionOf(string frameworkId) => _runtimes.GetValueOrDefault(frameworkId)?.Session;

    private static FwOffer ToWire(Offer o) => new(o.Id, o.AgentId, o.Hostname, o.Attributes, o.Resources.Scalars.Cpus, o.Resources.Scalars.MemMb,
        o.Resources.Scalars.DiskMb, o.Resources.Ports.Ranges.Select(r => (r.Begin, r.End)).ToList());
}
