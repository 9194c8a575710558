using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Master.Agents;
using MiniMesos.Net.Master.State;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Master.Offers;

/// <summary>
/// The leader's offers: one <see cref="Allocator"/> fed from the replicated state's read view (DRF rounds, decline
/// filters, accept checks), the external frameworks' sessions and update acknowledgements, and the built-in apps and
/// tasks frameworks as allocator frameworks. Leader memory, rebuilt by a new leader as frameworks re-subscribe. Its
/// own lock, held for allocator and session bookkeeping only: nothing is proposed or sent under it (the caller sends
/// what it returns).
/// </summary>
internal sealed partial class OfferHub(ReplicatedState replicated, AgentRegistry agents, Func<long> elapsed, ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FrameworkRuntime> _runtimes = new(StringComparer.Ordinal);
    private AllocatorFeed? _feed;

    /// <summary>
    /// A framework's registration is committed and <paramref name="session"/> is its connection: returns the session it
    /// replaces (a take-over), whose offers go back unfiltered so the new session is offered them at once.
    /// </summary>
    public FrameworkSession? Subscribed(string id, string role, FrameworkSession session)
    {
        lock (_gate)
        {
            var runtime = Runtime(id);
            var replaced = runtime.Session;
            runtime.Session = session;
            runtime.Unacknowledged.Clear();
            var allocator = Feed().Allocator;
            allocator.AddFramework(id, 1.0, role);
            ReturnOffers(allocator, id, suppress: false);
            allocator.Revive(id);
            return replaced;
        }
    }

    /// <summary>The framework's connection ended: false when it has another by now; else its offers return and its failover timeout starts.</summary>
    public bool Disconnected(FrameworkSession session)
    {
        var registered = replicated.Read(s => s.Frameworks.ContainsKey(session.FrameworkId));
        lock (_gate)
        {
            if (!_runtimes.TryGetValue(session.FrameworkId, out var runtime) || runtime.Session != session) return false;
            runtime.Session = null;
            runtime.DisconnectedSinceMs = elapsed();
            if (_feed is { } feed && registered) ReturnOffers(feed.Allocator, session.FrameworkId, suppress: true);
            return true;
        }
    }

    /// <summary>
    /// An external framework's accept, checked by the allocator and against <paramref name="state"/>: the agent and its
    /// hostname, with the launches charged to the framework until committed; or the refusal to send.
    /// </summary>
    public (FwAcceptRefused? Refused, string AgentId, string Hostname) Accept(string frameworkId, FwAccept accept, ClusterState state)
    {
        lock (_gate)
        {
            var taken = accept.Tasks.FirstOrDefault(t => state.Tasks.ContainsKey(t.TaskId));
            var allocator = Feed().Allocator;
            var result = allocator.Accept(frameworkId, accept.OfferIds, accept.Tasks.Select(t => new TaskLaunch(t.TaskId,
                new ResourceSet(new Resources(t.Cpus, t.Mem, t.Disk), PortRanges.Of(t.Ports)))).ToList(), elapsed(), accept.RefuseSeconds);
            var problem = !result.Accepted ? result.Reason
                : taken is not null ? $"task id '{taken.TaskId}' is already in use"
                : InvalidTask(accept.Tasks) ?? StateShortfall(state, result.AgentId!, accept.Tasks);
            if (problem is not null)
            {
                if (result.Accepted) foreach (var launch in result.Launches) allocator.Recover(frameworkId, result.AgentId!, launch.Resources);
                return (new FwAcceptRefused(accept.OfferIds, problem), "", "");
            }
            foreach (var launch in result.Launches) _feed!.Launching(launch.TaskId, frameworkId, result.AgentId!, launch.Resources);
            return (null, result.AgentId!, state.Agents[result.AgentId!].Hostname);
        }
    }

    public string? Decline(string frameworkId, FwDecline decline)
    {
        lock (_gate) return Feed().Allocator.Decline(frameworkId, decline.OfferIds, elapsed(), decline.RefuseSeconds);
    }

    public void Suppress(string frameworkId, bool suppress)
    {
        lock (_gate)
        {
            if (suppress) ReturnOffers(Feed().Allocator, frameworkId, suppress: true);
            else Feed().Allocator.Revive(frameworkId);
        }
    }

    /// <summary>Marks a status update as received; the state it carried is not sent again.</summary>
    public void Acknowledge(string frameworkId, FwAcknowledge ack)
    {
        lock (_gate)
        {
            if (!_runtimes.TryGetValue(frameworkId, out var runtime) ||
                !runtime.Unacknowledged.TryGetValue(ack.TaskId, out var pending) || pending.Uuid != ack.Uuid) return;
            runtime.Unacknowledged.Remove(ack.TaskId);
            runtime.Acknowledged[ack.TaskId] = pending.State;
        }
    }

    /// <summary>The framework's removal is committed: forgets it; returns its session to close.</summary>
    public FrameworkSession? Removed(string frameworkId)
    {
        lock (_gate)
        {
            _feed?.Allocator.RemoveFramework(frameworkId);
            _runtimes.Remove(frameworkId, out var runtime);
            return runtime?.Session;
        }
    }

    /// <summary>Launches charged by an accept that were not committed: their resources go back to the allocator.</summary>
    public void LaunchesFailed(IEnumerable<string> taskIds)
    {
        lock (_gate)
            foreach (var taskId in taskIds) _feed?.LaunchFailed(taskId);
    }

    public bool IsConnected(string frameworkId)
    {
        lock (_gate) return _runtimes.GetValueOrDefault(frameworkId)?.Session is not null;
    }

    /// <summary>This master stopped leading: frameworks re-subscribe at the new leader. Returns the sessions to close.</summary>
    public IReadOnlyList<FrameworkSession> Release()
    {
        lock (_gate)
        {
            var sessions = _runtimes.Values.Select(r => r.Session).OfType<FrameworkSession>().ToList();
            _runtimes.Clear();
            _feed = null;
            return sessions;
        }
    }

    /// <summary>Offers outstanding per external framework of <paramref name="state"/> (0 for one without offers).</summary>
    public IReadOnlyDictionary<string, int> OutstandingByFramework(ClusterState state)
    {
        var counts = state.Frameworks.Keys.ToDictionary(id => id, _ => 0, StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var offer in _feed?.Allocator.OutstandingOffers ?? [])
            {
                if (counts.ContainsKey(offer.FrameworkId)) counts[offer.FrameworkId]++;
            }
        }
        return counts;
    }

    /// <summary>The weight the allocator holds for a role (null: none yet) and the role's dominant share.</summary>
    public (double? Weight, double Share) RoleShare(string role)
    {
        lock (_gate)
        {
            var held = _feed?.Allocator.RoleWeight(role);
            return (held, held is null ? 0 : _feed!.Allocator.RoleShare(role));
        }
    }

    /// <summary>Gives the allocator the replicated role weights (after a weight is committed).</summary>
    public void ApplyRoleWeights()
    {
        lock (_gate)
        {
            if (_feed is { } feed) ApplyRoleWeights(replicated.View, feed.Allocator);
        }
    }

    /// <summary>Task ids become sandbox directory names on the agent; argv must name a program.</summary>
    private static string? InvalidTask(IReadOnlyList<FwTaskInfo> tasks)
    {
        foreach (var t in tasks)
        {
            if (t.TaskId.Length is 0 or > 128 || !char.IsAsciiLetterOrDigit(t.TaskId[0]) ||
                !t.TaskId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                return $"task id '{t.TaskId}' must be 1..128 letters, digits, '.', '_' or '-', starting with a letter or digit";
            if (t.Argv.Count == 0 || t.Argv[0].Length == 0) return $"task '{t.TaskId}': argv must name a program";
            if (Core.Isolation.LaunchText.Invalid(null, t.Argv, t.Env, null, "argv") is { } text) return $"task '{t.TaskId}': {text.Field}: {text.Reason}";
        }
        return null;
    }

    private static string? StateShortfall(ClusterState state, string agentId, IReadOnlyList<FwTaskInfo> tasks)
    {
        var wanted = tasks.Aggregate(new Resources(0, 0), (sum, t) => sum + new Resources(t.Cpus, t.Mem, t.Disk));
        var free = new ResourceSet(state.Free(agentId), state.FreePorts(state.Agents[agentId]));
        var shortfall = free.Shortfall(new ResourceSet(wanted, PortRanges.Of(tasks.SelectMany(t => t.Ports))));
        return shortfall is null ? null : $"agent '{agentId}' no longer has the resources (a built-in framework placed a task there): {shortfall}";
    }

    private static void ReturnOffers(Allocator allocator, string frameworkId, bool suppress)
    {
        var ids = allocator.OutstandingOffers.Where(o => o.FrameworkId == frameworkId).Select(o => o.Id).ToList();
        if (ids.Count > 0) allocator.Decline(frameworkId, ids, 0, 0);
        if (suppress) allocator.Suppress(frameworkId);
    }

    /// <summary>Sets every replicated weight the allocator does not have yet (under the lock).</summary>
    private static void ApplyRoleWeights(ClusterState state, Allocator allocator)
    {
        foreach (var (role, weight) in state.RoleWeights)
        {
            if (allocator.RoleWeight(role) != weight) allocator.SetRoleWeight(role, weight);
        }
    }

    private FrameworkRuntime Runtime(string id)
    {
        if (!_runtimes.TryGetValue(id, out var runtime)) _runtimes[id] = runtime = new FrameworkRuntime { DisconnectedSinceMs = elapsed() };
        return runtime;
    }

    /// <summary>The allocator, created with the built-in frameworks (suppressed until they ask) and the role weights.</summary>
    private AllocatorFeed Feed()
    {
        if (_feed is { } feed) return feed;
        feed = new AllocatorFeed(new Allocator(new AllocatorOptions(OfferIdPrefix: $"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}-o")));
        ApplyRoleWeights(replicated.View, feed.Allocator);
        foreach (var id in new[] { AllocatorFeed.Apps, AllocatorFeed.Tasks })
        {
            feed.Allocator.AddFramework(id);
            feed.Allocator.Suppress(id);
        }
        return _feed = feed;
    }
}
