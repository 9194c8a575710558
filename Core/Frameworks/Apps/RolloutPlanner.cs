using MiniMesos.Core.Model;

namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// Decides, for one app, what to kill and how many to launch so it converges to exactly
/// <c>instances</c> of the current version: unhealthy instances are replaced, scale changes are applied,
/// and instances of an older version are rolled within the upgrade strategy's bounds (never fewer than
/// ceil(N*minimumHealthCapacity) ready, never more than N + floor(N*maximumOverCapacity) alive).
/// </summary>
internal static class RolloutPlanner
{
    /// <remarks>
    /// Counted instances are those of <see cref="AppCapacity.Counts"/> not being killed. Instances being killed are not the
    /// app's any more but still hold room until they end: nothing is launched in their place before that, so the app never
    /// has more live instances than <see cref="AppCapacity.MaxTotal"/>. An unreachable instance past its expunge time is
    /// killed (ended for good); one that is counted but not ready goes first when there are too many, then the app's
    /// <see cref="KillSelection"/> decides.
    /// </remarks>
    public static RolloutPlan Plan(AppSpec app, IEnumerable<AppInstance> instances, long nowMs = 0)
    {
        var mine = instances.Where(i => i.AppId == app.Id).ToList();
        var kills = new List<AppKill>();
        foreach (var lost in mine.Where(i => i.State == TaskState.Unreachable && !i.KillRequested && app.Unreachable.IsExpunged(i.UnreachableSinceMs, nowMs)))
            kills.Add(new AppKill(app.Id, lost.Id, $"unreachable for {app.Unreachable.ExpungeAfterSeconds} s or more (unreachableStrategy.expungeAfterSeconds): expunged"));
        var expunged = kills.Select(k => k.InstanceId).ToHashSet(StringComparer.Ordinal);
        var live = mine.Where(i => !i.KillRequested && !expunged.Contains(i.Id) && AppCapacity.Counts(app, i.State, i.UnreachableSinceMs, nowMs))
            .OrderBy(i => i.LaunchedAtMs).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();
        // Being killed but still alive: they hold room until they end.
        var dying = mine.Count(i => i.KillRequested && i.State.IsAlive());
        void Kill(AppInstance i, string reason)
        {
            kills.Add(new AppKill(app.Id, i.Id, reason));
            live.Remove(i);
            if (i.State.IsAlive()) dying++;
        }

        foreach (var sick in live.Where(i => i.Health == HealthStatus.Unhealthy).ToList())
            Kill(sick, "health checks failed too many times in a row; replacing it");

        var n = app.Instances;
        var current = live.Where(i => i.Version == app.Version).ToList();
        var old = live.Where(i => i.Version != app.Version).ToList();
        bool Ready(AppInstance i) => IsReady(app, i);

        // More of the current version than wanted: the least useful go first (not ready), then as the app's killSelection says.
        var byUse = current.OrderBy(i => Ready(i));
        var ordered = app.KillSelection == KillSelection.OldestFirst
            ? byUse.ThenBy(i => i.LaunchedAtMs).ThenBy(i => i.Id, StringComparer.Ordinal)
            : byUse.ThenByDescending(i => i.LaunchedAtMs).ThenByDescending(i => i.Id, StringComparer.Ordinal);
        foreach (var extra in ordered.Take(Math.Max(0, current.Count - n)).ToList())
        {
            Kill(extra, $"scaling down to {n} instance{(n == 1 ? "" : "s")}");
            current.Remove(extra);
        }

        var maxTotal = AppCapacity.MaxTotal(app, old.Count > 0);
        if (old.Count > 0)
        {
            var (minHealthy, _) = Bounds(app);
            // Old instances that are not ready hold no capacity: replace them at once.
            foreach (var o in old.Where(i => !Ready(i)).ToList()) Kill(o, $"replaced by version '{app.Version}'");
            var budget = live.Count(Ready) - minHealthy;
            foreach (var o in old.Where(Ready).Take(Math.Max(0, budget)).ToList())
                Kill(o, $"replaced by version '{app.Version}'");
        }
        var toLaunch = Math.Max(0, Math.Min(n - current.Count, maxTotal - live.Count - dying));
        return new RolloutPlan(kills, toLaunch, live);
    }

    /// <summary>
    /// The deployment bounds. With minimumHealthCapacity 1 and maximumOverCapacity 0 no step would be
    /// possible, so one extra instance is allowed (as Marathon does).
    /// </summary>
    public static (int MinHealthy, int MaxTotal) Bounds(AppSpec app)
    {
        var n = app.Instances;
        var minHealthy = (int)Math.Ceiling(n * app.Upgrade.MinimumHealthCapacity - 1e-9);
        var maxTotal = n + (int)Math.Floor(n * app.Upgrade.MaximumOverCapacity + 1e-9);
        if (n > 0 && minHealthy >= n && maxTotal == n) maxTotal = n + 1;
        return (minHealthy, maxTotal);
    }

    /// <summary>Serving: running and, when the app has health checks, healthy.</summary>
    public static bool IsReady(AppSpec app, AppInstance i) =>
        i.State == TaskState.Running && (!app.HasHealthChecks || i.Health == HealthStatus.Healthy);
}
