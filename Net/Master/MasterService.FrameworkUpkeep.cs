using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Master;

/// <summary>
/// The leader's once-a-second work for external frameworks: feed the allocator from the state, remove frameworks
/// away past their failover timeout, send offers and rescinds, and (re)send status updates until acknowledged.
/// </summary>
internal sealed partial class MasterService
{
    /// <summary>An unacknowledged status update is sent again after this long.</summary>
    public static readonly TimeSpan UpdateResend = TimeSpan.FromSeconds(3);

    private async Task MaintainFrameworksAsync(CancellationToken cancellationToken)
    {
        var now = Elapsed();
        var sends = new List<(FrameworkSession Session, WireMessage Message)>();
        var expired = new List<(string Id, double Timeout)>();
        bool appsOffered;
        var state = ReadView;
        lock (_gate)
        {
            appsOffered = AllocateLocked(state, now, sends);
            foreach (var f in state.Frameworks.Values)
            {
                var runtime = Runtime(f.Id); // a new leader counts a framework as away from its first look
                if (runtime.Session is null && now - runtime.DisconnectedSinceMs >= f.FailoverTimeoutSeconds * 1000) expired.Add((f.Id, f.FailoverTimeoutSeconds));
            }
            foreach (var (id, runtime) in _frameworkRuntimes)
            {
                if (runtime.Session is { } session) sends.AddRange(DueUpdates(state, id, runtime, now).Select(u => (session, (WireMessage)u)));
            }
        }
        // Offers made to the built-in apps framework wait for its next pass: wake it now.
        if (appsOffered) Changed();
        foreach (var (session, message) in sends) await session.SendAsync(message).ConfigureAwait(false);
        foreach (var (id, timeout) in expired)
            await RemoveFrameworkAsync(id, $"disconnected for longer than its failover timeout of {timeout:0.###} s", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Under the lock: brings the allocator up to date with the state and runs one allocation round; offers and rescinds
    /// for external frameworks are added to <paramref name="sends"/> (offers to one without a connection go straight
    /// back, as do those to the jobs framework outside its own rounds, <paramref name="caller"/>). Offers to the built-in
    /// apps framework stay outstanding for its pass; returns whether it got any.
    /// </summary>
    private bool AllocateLocked(ClusterState state, long now, List<(FrameworkSession Session, WireMessage Message)> sends, string? caller = null)
    {
        var feed = Feed();
        ApplyRoleWeightsLocked(state, feed.Allocator);
        var rescinds = feed.Sync(state, _agents.ConnectedIds(), now).ToList();
        var round = feed.Allocator.Allocate(now);
        rescinds.AddRange(round.Rescinded);
        foreach (var r in rescinds)
        {
            if (SessionOf(r.FrameworkId) is { } session) sends.Add((session, new FwRescind(r.OfferId, r.Reason)));
        }
        var appsOffered = false;
        foreach (var group in round.Offers.GroupBy(o => o.FrameworkId))
        {
            if (group.Key == AppsFrameworkId) appsOffered = true;
            else if (group.Key == caller) continue;
            else if (SessionOf(group.Key) is { } session) sends.Add((session, new FwOffers(group.Select(ToWire).ToList())));
            else feed.Allocator.Decline(group.Key, group.Select(o => o.Id).ToList(), now, 0);
        }
        return appsOffered;
    }

    /// <summary>This master stopped leading (called with <see cref="ReleaseAgents"/>): frameworks re-subscribe at the new leader, which keeps them and their tasks.</summary>
    private void ReleaseFrameworks()
    {
        List<FrameworkSession> sessions;
        lock (_gate)
        {
            sessions = _frameworkRuntimes.Values.Select(r => r.Session).OfType<FrameworkSession>().ToList();
            _frameworkRuntimes.Clear();
            _feed = null;
        }
        foreach (var session in sessions) session.Disconnect();
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

    private FrameworkSession? SessionOf(string frameworkId) => _frameworkRuntimes.GetValueOrDefault(frameworkId)?.Session;

    private static FwOffer ToWire(Offer o) => new(o.Id, o.AgentId, o.Hostname, o.Attributes, o.Resources.Scalars.Cpus, o.Resources.Scalars.MemMb,
        o.Resources.Scalars.DiskMb, o.Resources.Ports.Ranges.Select(r => (r.Begin, r.End)).ToList());
}
