using Microsoft.Extensions.Logging;
using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Core.Timing;
using MiniMesos.Net.Raft;

namespace MiniMesos.Net.Master;

/// <summary>
/// The built-in apps framework on the leader: on every state change (and at least once a second) it asks the allocator
/// for a round, then <see cref="AppScheduler.Decide"/> what to launch (within the offers it holds) and kill so each app
/// converges to its instances, and does it through the master (accepted like an external framework's launches, committed
/// in one batch, then sent to the agents; see <see cref="MasterService.LaunchOnOffersAsync"/>). Launch backoffs,
/// requested kills and the latest wait reasons live here, in memory: a new leader starts them afresh.
/// </summary>
internal sealed class AppsService(MasterService master, TimeProvider time, ILogger logger, int maxLaunchesPerPass = AppsService.MaxLaunchesPerPass)
{
    /// <summary>
    /// Most launches one pass commits: a deployment of 100,000 instances goes out in steps of this many (64 log entries
    /// proposed together), so a pass stays around half a second on a big cluster and the state it decided from stays
    /// fresh. In bench/placement 8,192 placed faster than 4,096 (12,000-15,000 against 8,500 placements/s) for passes of
    /// 0.5 s against 0.4 s.
    /// </summary>
    public const int MaxLaunchesPerPass = 8192;

    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly object _gate = new();
    private readonly Dictionary<string, LaunchBackoff> _backoffs = new(StringComparer.Ordinal);
    /// <summary>
    /// A kill can be lost (sent on a connection that turned out dead, to an agent that then came back with the task
    /// still running): a request older than this whose task is still alive is dropped, so the next pass kills again.
    /// </summary>
    private static readonly TimeSpan KillRetryAfter = MasterService.DefaultKillGrace + TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, long> _killRequested = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenEnded = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenReady = new(StringComparer.Ordinal);
    private const int ForgetEvery = 256;
    private long _observations;
    private Dictionary<string, AppWait> _waits = new(StringComparer.Ordinal);
    private bool _primed;
    /// <summary>When the earliest pending launch backoff ends (long.MaxValue: none): the first pass after it revives the offers.</summary>
    private long _reviveAtMs = long.MaxValue;

    /// <summary>What the apps' ids, versions and instance counts were at the last pass: a change revives the framework's offers.</summary>
    private int? _appsFingerprint;
    private long _serial = 1;

    /// <summary>Held by each pass, and by <see cref="KillAndScaleAsync"/> so no pass sees half of it.</summary>
    private readonly SemaphoreSlim _pass = new(1, 1);

    /// <summary>
    /// Kills these instances and lowers the app's instances by as many, as one step: the kills are recorded before the
    /// scale commits, so no pass between them replaces the killed ones or picks other instances to scale down.
    /// </summary>
    public async Task KillAndScaleAsync(AppSpec scaled, IReadOnlyList<string> taskIds, Func<AppSpec, CancellationToken, Task> put,
        CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            lock (_gate)
            {
                foreach (var id in taskIds) _killRequested[id] = now;
            }
            await put(scaled, cancellationToken).ConfigureAwait(false);
            foreach (var id in taskIds) await master.KillAsync(id, "killed and scaled down through the API", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <summary>Why the app is short of instances right now (null when nothing waits).</summary>
    public AppWait? Waiting(string appId)
    {
        lock (_gate) return _waits.GetValueOrDefault(appId);
    }

    public LaunchBackoff? Backoff(string appId)
    {
        lock (_gate) return _backoffs.GetValueOrDefault(appId);
    }

    /// <summary>After each pass of the leader: how long it took and how many instances it launched.</summary>
    public event Action<TimeSpan, int>? PassCompleted;

    /// <summary>
    /// A pass on every state change, but after a pass that took T and left nothing it could launch, the next starts no
    /// sooner than T later (at most a second): on a big cluster a pass costs 0.1-0.3 s, and 100,000 status updates would
    /// otherwise keep a core busy with back-to-back passes that starve the rest of the master (Raft heartbeats included).
    /// A pass that reached its launch limit is followed at once: instances still wait. Changes that arrive meanwhile are
    /// taken by the next pass; a small cluster's passes take milliseconds and never wait.
    /// </summary>
    /// <remarks>One of the master's leader services: runs for one term, so it starts as a new leader (unprimed).</remarks>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _primed = false;
            _appsFingerprint = null;
        }
        return FrameworkLoop.RunAsync("apps", master, time, () => Period, async ct =>
        {
            var start = time.GetTimestamp();
            var launched = await ReconcileAsync(ct).ConfigureAwait(false);
            var took = time.GetElapsedTime(start);
            if (launched >= 0) PassCompleted?.Invoke(took, launched);
            if (took >= MinPassToPace && launched < maxLaunchesPerPass) await Task.Delay(took < Period ? took : Period, time, ct).ConfigureAwait(false);
        }, logger, cancellationToken);
    }

    private static readonly TimeSpan MinPassToPace = TimeSpan.FromMilliseconds(10);

    /// <summary>One pass: observe ended instances (backoff), decide, kill, launch. Only the leader acts.</summary>
    /// <remarks>Returns how many instances it launched, -1 when this master does not lead.</remarks>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await PassAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task<int> PassAsync(CancellationToken cancellationToken)
    {
        if (!master.IsLeader)
        {
            lock (_gate)
            {
                _primed = false;
                _appsFingerprint = null;
            }
            return -1;
        }
        var (apps, tasks, agentsById, _) = master.AppsView();
        var fingerprint = Fingerprint(apps);
        bool revive;
        var startedMs = time.MonotonicMs();
        lock (_gate)
        {
            // A launch backoff that ran out revives too: offers declined while the app waited must not delay it further.
            revive = fingerprint != _appsFingerprint || _reviveAtMs <= startedMs;
            _appsFingerprint = fingerprint;
        }
        var offers = await master.BuiltInOffersAsync(MasterService.AppsFrameworkId, revive).ConfigureAwait(false);
        var now = time.MonotonicMs(); // offers, backoffs and kill retries are this leader's own: its monotonic clock
        var appsById = apps.ToDictionary(a => a.Id, StringComparer.Ordinal);
        AppDecisions decisions;
        List<TaskRecord> orphans;
        lock (_gate)
        {
            ForgetStaleKillsLocked(tasks, now);
            var instances = AppInputs.Instances(appsById, tasks, agentsById, _killRequested.Keys.ToHashSet(StringComparer.Ordinal),
                master.HealthStatuses());
            ObserveLocked(appsById, instances, now);
            _serial = AppInputs.NextSerial(tasks, _serial);
            decisions = AppScheduler.Decide(new AppSchedulerInput(apps, instances, offers, _backoffs, now, _serial, maxLaunchesPerPass,
                time.GetUtcNow().ToUnixTimeMilliseconds()));
            _serial = decisions.NextSerial;
            _reviveAtMs = _backoffs.Values.Where(b => b.NotBeforeMs > now).Select(b => b.NotBeforeMs).DefaultIfEmpty(long.MaxValue).Min();
            _waits = decisions.Waits.ToDictionary(w => w.AppId, w => KeepReason(w, _waits.GetValueOrDefault(w.AppId)), StringComparer.Ordinal);
            orphans = tasks.Where(t => t.Spec.AppId is { } id && !appsById.ContainsKey(id) && !t.State.IsTerminal() && !_killRequested.ContainsKey(t.Id))
                .ToList();
            foreach (var kill in decisions.Kills) _killRequested[kill.InstanceId] = now;
            foreach (var orphan in orphans) _killRequested[orphan.Id] = now;
        }
        foreach (var kill in decisions.Kills)
        {
            logger.LogInformation("app {App}: killing {Task}: {Reason}", kill.AppId, kill.InstanceId, KillReason(kill));
            await master.KillAsync(kill.InstanceId, KillReason(kill), cancellationToken).ConfigureAwait(false);
        }
        foreach (var orphan in orphans)
        {
            logger.LogInformation("app {App} was removed: killing {Task}", orphan.Spec.AppId, orphan.Id);
            await master.KillAsync(orphan.Id, $"app {orphan.Spec.AppId} was removed", cancellationToken).ConfigureAwait(false);
        }
        // All of the pass's launches go in one batch (a few log entries, one Raft round) instead of a round each.
        var launches = decisions.Launches.Select(l => (l.OfferId, l.Task, new PlacedLaunch(l.Task.TaskId,
            TaskSpecBuilder.ForApp(appsById[l.AppId], l, agentsById[l.AgentId].Hostname), l.AgentId))).ToList();
        // Offers left at the launch limit go back unfiltered: the next pass, at once, can use them.
        var declineSeconds = decisions.Launches.Count >= maxLaunchesPerPass ? 0 : MasterService.AppsDeclineSeconds;
        return (await master.LaunchOnOffersAsync(MasterService.AppsFrameworkId, launches, offers, AppScheduler.WantsOffers(decisions), declineSeconds,
            cancellationToken).ConfigureAwait(false)).Count;
    }

    /// <summary>
    /// A pass without offers (those agents were declined a moment ago and are filtered for a few seconds) cannot say why
    /// an app waits: the reason the last pass with offers found stands meanwhile.
    /// </summary>
    private static AppWait KeepReason(AppWait wait, AppWait? before) =>
        wait.Reason == OfferPacker.NoOffers && before is not null ? wait with { Reason = before.Reason } : wait;

    private static int Fingerprint(IReadOnlyList<AppSpec> apps)
    {
        var hash = new HashCode();
        foreach (var app in apps.OrderBy(a => a.Id, StringComparer.Ordinal))
        {
            hash.Add(app.Id, StringComparer.Ordinal);
            hash.Add(app.Version, StringComparer.Ordinal);
            hash.Add(app.Instances);
        }
        return hash.ToHashCode();
    }

    /// <summary>Drops kill requests of ended tasks, and those still alive after <see cref="KillRetryAfter"/> (kill again).</summary>
    private void ForgetStaleKillsLocked(IReadOnlyList<TaskRecord> tasks, long now)
    {
        var byId = tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        foreach (var (id, at) in _killRequested.ToList())
        {
            var ended = !byId.TryGetValue(id, out var task) || task.State.IsTerminal();
            if (ended || now - at >= KillRetryAfter.TotalMilliseconds) _killRequested.Remove(id);
            if (!ended && now - at >= KillRetryAfter.TotalMilliseconds)
                logger.LogWarning("task {Task} is still {State} {Seconds:0} s after it was asked to stop: killing it again", id, task!.State.ToWire(),
                    (now - at) / 1000.0);
        }
    }

    /// <summary>The kill's reason; an unhealthy instance's also names the last failure its checks saw.</summary>
    private string KillReason(AppKill kill) =>
        master.Health(kill.InstanceId) is { Status: HealthStatus.Unhealthy } health
        && health.Checks.Select(c => c.Tally.LastFailureCause).FirstOrDefault(c => c is not null) is { } cause
            ? $"{kill.Reason} (last failure: {cause})"
            : kill.Reason;

    /// <summary>
    /// Updates launch backoffs from instances that ended on their own or became ready since the last pass. The
    /// first pass as leader only records what had already happened, so a fail-over does not delay every app.
    /// </summary>
    private void ObserveLocked(Dictionary<string, AppSpec> apps, List<AppInstance> instances, long now)
    {
        foreach (var instance in instances)
        {
            if (!apps.TryGetValue(instance.AppId, out var app)) continue;
            var ended = instance.State.IsTerminal();
            var ready = RolloutPlanner.IsReady(app, instance);
            if (ended && !_seenEnded.Add(instance.Id)) continue;
            if (ready && !_seenReady.Add(instance.Id)) continue;
            if (!ended && !ready) continue;
            if (!_primed) continue;
            var before = _backoffs.GetValueOrDefault(instance.AppId) ?? LaunchBackoff.None;
            var after = before.After(app, instance, now);
            if (after.Failures > before.Failures)
                logger.LogWarning("app {App}: instance {Task} ended ({State}); next launch in {Delay:0.###} s", app.Id, instance.Id,
                    instance.State.ToWire(), after.DelaySeconds);
            _backoffs[instance.AppId] = after;
        }
        _primed = true;
        foreach (var (id, backoff) in _backoffs.ToList())
        {
            var current = apps.TryGetValue(id, out var app) ? backoff.Current(app, now) : LaunchBackoff.None;
            if (current.Failures == 0) _backoffs.Remove(id);
            else if (!ReferenceEquals(current, backoff)) _backoffs[id] = current;
        }
        // Ended tasks leave the state after a while (ClusterState.MaxEndedTasks) and never come back: forget them
        // now and then, so what this leader remembers stays bounded too.
        if (++_observations % ForgetEvery != 0) return;
        var present = instances.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        _seenEnded.IntersectWith(present);
        _seenReady.IntersectWith(present);
    }
}
