using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Master.Offers;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Master;

/// <summary>
/// The Framework API on the leader (docs/protocol.md, "Framework API"): subscriptions, accepts, declines, kills,
/// reconciliation and teardown. Offers and sessions are the <see cref="OfferHub"/>'s; this part commits what they
/// decide and sends what they return.
/// </summary>
internal sealed partial class MasterService
{
    public static readonly TimeSpan FrameworkHeartbeat = TimeSpan.FromSeconds(2);

    public IReadOnlyList<FrameworkRecord> Frameworks() => ReadView.Frameworks.Values.OrderBy(f => f.Id, StringComparer.Ordinal).ToList();

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
        // A take-over (the old connection still open, e.g. half-open TCP) leaves offers that only the old
        // connection saw: they go back unfiltered so the new session is offered them at once.
        _offers.Subscribed(id, request.Role, session)?.Disconnect();
        logger.LogInformation("framework {Framework} ({Name}, role {Role}) subscribed", id, request.Name, request.Role);
        return (id, null);
    }

    /// <summary>The framework's connection ended: its offers return, its failover timeout starts.</summary>
    public void FrameworkDisconnected(FrameworkSession session)
    {
        if (!_offers.Disconnected(session)) return;
        logger.LogWarning("framework {Framework} disconnected; removed unless it re-subscribes within its failover timeout", session.FrameworkId);
    }

    /// <summary>Launches the tasks of an accept, or returns the refusal to send.</summary>
    public async Task<FwAcceptRefused?> AcceptOffersAsync(string frameworkId, FwAccept accept, CancellationToken cancellationToken)
    {
        var (refused, agentId, hostname) = _offers.Accept(frameworkId, accept, ReadView);
        if (refused is not null) return refused;
        var launches = accept.Tasks.Select(task =>
        {
            var spec = new TaskSpec(task.Name, task.Argv, task.Env, new Resources(task.Cpus, task.Mem, task.Disk));
            // Ports from the offer reach the task Marathon style (PORT0.., PORTS) and are how the state knows they are held.
            if (task.Ports.Count > 0) spec = TaskSpecBuilder.ForPlacedTask(spec, hostname, task.Ports.ToList());
            return new PlacedLaunch(task.TaskId, spec, agentId, frameworkId);
        }).ToList();
        await LaunchAcceptedAsync(launches, cancellationToken).ConfigureAwait(false);
        return null;
    }

    public string? DeclineOffers(string frameworkId, FwDecline decline) => _offers.Decline(frameworkId, decline);

    public void SuppressOffers(string frameworkId, bool suppress) => _offers.Suppress(frameworkId, suppress);

    /// <summary>True when the task belongs to the framework (and so may be killed by it).</summary>
    public bool OwnsTask(string frameworkId, string taskId) => Read(s => s.TaskFrameworks.GetValueOrDefault(taskId)) == frameworkId;

    /// <summary>Latest states of the given tasks (all of the framework's when empty); unknown ones are TASK_LOST.</summary>
    public IReadOnlyList<FwUpdate> Reconcile(string frameworkId, IReadOnlyList<string> taskIds)
    {
        var state = ReadView;
        var ids = taskIds.Count > 0 ? taskIds
            : state.TaskFrameworks.Where(kv => kv.Value == frameworkId).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        return ids.Select(id => state.TaskFrameworks.GetValueOrDefault(id) == frameworkId && state.Tasks.TryGetValue(id, out var t)
            ? OfferHub.UpdateOf("", t)
            : new FwUpdate("", id, TaskState.Lost.ToWire(), null, null, "unknown task: not launched by this framework")).ToList();
    }

    /// <summary>Marks a status update as received; the state it carried is not sent again.</summary>
    public void AcknowledgeUpdate(string frameworkId, FwAcknowledge ack) => _offers.Acknowledge(frameworkId, ack);

    /// <summary>Removes a framework (teardown or failover timeout) and kills its live tasks.</summary>
    public async Task RemoveFrameworkAsync(string frameworkId, string reason, CancellationToken cancellationToken)
    {
        await ProposeAsync(new RemoveFramework(Now(), frameworkId, reason), cancellationToken).ConfigureAwait(false);
        var state = ReadView;
        var live = state.TaskFrameworks.Where(kv => kv.Value == frameworkId && state.Tasks.TryGetValue(kv.Key, out var t) && !t.State.IsTerminal())
            .Select(kv => kv.Key).ToList();
        var session = _offers.Removed(frameworkId);
        logger.LogInformation("framework {Framework} removed ({Reason}); killing {Count} task(s)", frameworkId, reason, live.Count);
        foreach (var task in live) await KillAsync(task, cancellationToken).ConfigureAwait(false);
        session?.Disconnect();
    }
}
