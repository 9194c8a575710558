using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Master;

/// <summary>
/// The Framework API on the leader (docs/protocol.md, "Framework API"): subscriptions, accepts, declines, kills,
/// reconciliation and teardown. Offers come from one <see cref="Allocator"/> fed from the replicated state; it and
/// the connections are leader memory, rebuilt by a new leader as frameworks re-subscribe.
/// </summary>
internal sealed partial class MasterService
{
    public static readonly TimeSpan FrameworkHeartbeat = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, FrameworkRuntime> _frameworkRuntimes = new(StringComparer.Ordinal);
    private AllocatorFeed? _feed;

    public IReadOnlyList<FrameworkRecord> Frameworks()
    {
        return ReadView.Frameworks.Values.OrderBy(f => f.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Registers (or re-registers) a framework; returns its id, or the field at fault and why. Once the registration is
    /// committed, <paramref name="open"/> answers <c>subscribed</c> and returns the session; only then can offers and
    /// updates be sent to it, so <c>subscribed</c> is always the session's first message.
    /// </summary>
    public async Task<(string? Id, FwError? Error)> SubscribeFrameworkAsync(FwSubscribe request, Func<string, Task<FrameworkSession>> open,
        CancellationToken cancellationToken)
    {
        static FwError Bad(string field, string reason) => new("subscribe", field, reason);
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 256) return (null, Bad("name", "must be 1..256 characters"));
        if (RoleRules.RoleProblem(request.Role) is { } badRole) return (null, Bad("role", badRole));
        if (!double.IsFinite(request.FailoverTimeoutSeconds) || request.FailoverTimeoutSeconds < 0 || request.FailoverTimeoutSeconds > 365 * 86400)
            return (null, Bad("failover_timeout", "must be a number of seconds from 0 to one year"));
        var id = string.IsNullOrEmpty(request.FrameworkId) ? $"fw-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}" : request.FrameworkId;
        if (!string.IsNullOrEmpty(request.FrameworkId))
        {
            if (Read(s => s.Frameworks.GetValueOrDefault(id)) is not { } known)
                return (null, Bad("framework_id", $"framework '{id}' is unknown: never registered, torn down, or removed after its failover timeout"));
            if (known.Role != request.Role)
                return (null, Bad("role", $"framework '{id}' is registered in role '{known.Role}'; a re-subscription cannot change it"));
        }
        await ProposeAsync(new RegisterFramework(Now(), new FrameworkRecord(id, request.Name, request.Role, request.FailoverTimeoutSeconds, Now())),
            cancellationToken).ConfigureAwait(false);
        var session = await open(id).ConfigureAwait(false);
        FrameworkSession? replaced;
        lock (_gate)
        {
            var runtime = Runtime(id);
            replaced = runtime.Session;
            runtime.Session = session;
            runtime.Unacknowledged.Clear();
            var allocator = Feed().Allocator;
            allocator.AddFramework(id, 1.0, request.Role);
            // A take-over (the old connection still open, e.g. half-open TCP) leaves offers that only the old
            // connection saw: they go back unfiltered so the new session is offered them at once.
            ReturnOffers(allocator, id, suppress: false);
            allocator.Revive(id);
        }
        replaced?.Disconnect();
        logger.LogInformation("framework {Framework} ({Name}, role {Role}) subscribed", id, request.Name, request.Role);
        return (id, null);
    }

    /// <summary>The framework's connection ended: its offers return, its failover timeout starts.</summary>
    public void FrameworkDisconnected(FrameworkSession session)
    {
        var registered = Read(s => s.Frameworks.ContainsKey(session.FrameworkId));
        lock (_gate)
        {
            if (!_frameworkRuntimes.TryGetValue(session.FrameworkId, out var runtime) || runtime.Session != session) return;
            runtime.Session = null;
            runtime.DisconnectedSinceMs = Elapsed();
            if (_feed is { } feed && registered) ReturnOffers(feed.Allocator, session.FrameworkId, suppress: true);
        }
        logger.LogWarning("framework {Framework} disconnected; removed unless it re-subscribes within its failover timeout", session.FrameworkId);
    }

    /// <summary>Launches the tasks of an accept, or returns the refusal to send.</summary>
    public async Task<FwAcceptRefused?> AcceptOffersAsync(string frameworkId, FwAccept accept, CancellationToken cancellationToken)
    {
        AcceptResult result;
        string hostname;
        var state = ReadView;
        lock (_gate)
        {
            var taken = accept.Tasks.FirstOrDefault(t => state.Tasks.ContainsKey(t.TaskId));
            var allocator = Feed().Allocator;
            result = allocator.Accept(frameworkId, accept.OfferIds, accept.Tasks.Select(t => new TaskLaunch(t.TaskId,
                new ResourceSet(new Resources(t.Cpus, t.Mem, t.Disk), PortRanges.Of(t.Ports)))).ToList(), Elapsed(), accept.RefuseSeconds);
            var problem = !result.Accepted ? result.Reason
                : taken is not null ? $"task id '{taken.TaskId}' is already in use"
                : InvalidTask(accept.Tasks) ?? StateShortfall(state, result.AgentId!, accept.Tasks);
            if (problem is not null)
            {
                if (result.Accepted) foreach (var launch in result.Launches) allocator.Recover(frameworkId, result.AgentId!, launch.Resources);
                return new FwAcceptRefused(accept.OfferIds, problem);
            }
            foreach (var launch in result.Launches) _feed!.Launching(launch.TaskId, frameworkId, result.AgentId!, launch.Resources);
            hostname = state.Agents[result.AgentId!].Hostname;
        }
        var launches = accept.Tasks.Select(task =>
        {
            var spec = new TaskSpec(task.Name, task.Argv, task.Env, new Resources(task.Cpus, task.Mem, task.Disk));
            // Ports from the offer reach the task Marathon style (PORT0.., PORTS) and are how the state knows they are held.
            if (task.Ports.Count > 0) spec = TaskSpecBuilder.ForPlacedTask(spec, hostname, task.Ports.ToList());
            return new PlacedLaunch(task.TaskId, spec, result.AgentId!, frameworkId);
        }).ToList();
        await LaunchAcceptedAsync(launches, cancellationToken).ConfigureAwait(false);
        return null;
    }

    public string? DeclineOffers(string frameworkId, FwDecline decline)
    {
        lock (_gate) return Feed().Allocator.Decline(frameworkId, decline.OfferIds, Elapsed(), decline.RefuseSeconds);
    }

    public void SuppressOffers(string frameworkId, bool suppress)
    {
        lock (_gate)
        {
            if (suppress) ReturnOffers(Feed().Allocator, frameworkId, suppress: true);
            else Feed().Allocator.Revive(frameworkId);
        }
    }

    /// <summary>True when the task belongs to the framework (and so may be killed by it).</summary>
    public bool OwnsTask(string frameworkId, string taskId)
    {
        return Read(s => s.TaskFrameworks.GetValueOrDefault(taskId)) == frameworkId;
    }

    /// <summary>Latest states of the given tasks (all of the framework's when empty); unknown ones are TASK_LOST.</summary>
    public IReadOnlyList<FwUpdate> Reconcile(string frameworkId, IReadOnlyList<string> taskIds)
    {
        var state = ReadView;
        var ids = taskIds.Count > 0 ? taskIds
            : state.TaskFrameworks.Where(kv => kv.Value == frameworkId).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        return ids.Select(id => state.TaskFrameworks.GetValueOrDefault(id) == frameworkId && state.Tasks.TryGetValue(id, out var t)
            ? UpdateOf("", t)
            : new FwUpdate("", id, TaskState.Lost.ToWire(), null, null, "unknown task: not launched by this framework")).ToList();
    }

    /// <summary>Marks a status update as received; the state it carried is not sent again.</summary>
    public void AcknowledgeUpdate(string frameworkId, FwAcknowledge ack)
    {
        lock (_gate)
        {
            if (!_frameworkRuntimes.TryGetValue(frameworkId, out var runtime) ||
                !runtime.Unacknowledged.TryGetValue(ack.TaskId, out var pending) || pending.Uuid != ack.Uuid) return;
            runtime.Unacknowledged.Remove(ack.TaskId);
            runtime.Acknowledged[ack.TaskId] = pending.State;
        }
    }

    /// <summary>Removes a framework (teardown or failover timeout) and kills its live tasks.</summary>
    public async Task RemoveFrameworkAsync(string frameworkId, string reason, CancellationToken cancellationToken)
    {
        await ProposeAsync(new RemoveFramework(Now(), frameworkId, reason), cancellationToken).ConfigureAwait(false);
        List<string> live;
        FrameworkSession? session;
        var state = ReadView;
        live = state.TaskFrameworks.Where(kv => kv.Value == frameworkId && state.Tasks.TryGetValue(kv.Key, out var t) && !t.State.IsTerminal())
            .Select(kv => kv.Key).ToList();
        lock (_gate)
        {
            _feed?.Allocator.RemoveFramework(frameworkId);
            _frameworkRuntimes.Remove(frameworkId, out var runtime);
            session = runtime?.Session;
        }
        logger.LogInformation("framework {Framework} removed ({Reason}); killing {Count} task(s)", frameworkId, reason, live.Count);
        foreach (var task in live) await KillAsync(task, cancellationToken).ConfigureAwait(false);
        session?.Disconnect();
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

    private FrameworkRuntime Runtime(string id)
    {
        if (!_frameworkRuntimes.TryGetValue(id, out var runtime)) _frameworkRuntimes[id] = runtime = new FrameworkRuntime { DisconnectedSinceMs = Elapsed() };
        return runtime;
    }

    private AllocatorFeed Feed() => _feed ??= WithBuiltInFrameworks(WithRoleWeights(new AllocatorFeed(new Allocator(new AllocatorOptions(OfferIdPrefix: $"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}-o")))));

    private static FwUpdate UpdateOf(string uuid, TaskRecord t) => new(uuid, t.Id, t.State.ToWire(), t.AgentId, t.ExitCode, t.Message, t.Signal);
}
