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
    public static RolloutPlan Plan(AppSpec app, IEnumerable<AppInstance> instances)
    {
        var live = instances.Where(i => i.AppId == app.Id && i.State.IsAlive() && !i.KillRequested)
            .OrderBy(i => i.LaunchedAtMs).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();
        var kills = new List<AppKill>();
        void Kill(AppInstance i, string reason)
        {
            kills.Add(new AppKill(app.Id, i.Id, reason));
            live.Remove(i);
        }

        foreach (var sick in live.Where(i => i.Health == HealthStatus.Unhealthy).ToList())
            Kill(sick, "health checks failed too many times in a row; replacing it");

        var n = app.Instances;
        var current = live.Where(i => i.Version == app.Version).ToList();
        var old = live.Where(i => i.Version != app.Version).ToList();
        bool Ready(AppInstance i) => IsReady(app, i);

        // More of the current version than wanted: the least useful go first (not ready, then newest).
        foreach (var extra in current.OrderBy(i => Ready(i)).ThenByDescending(i => i.LaunchedAtMs)
                     .ThenByDescending(i => i.Id, StringComparer.Ordinal).Take(Math.Max(0, current.Count - n)).ToList())
        {
            Kill(extra, $"scaling down to {n} instance{(n == 1 ? "" : "s")}");
            current.Remove(extra);
        }

        var maxTotal = n;
        if (old.Count > 0)
        {
            var (minHealthy, max) = Bounds(app);
            maxTotal = max;
            // Old instances that are not ready hold no capacity: replace them at once.
            foreach (var o in old.Where(i => !Ready(i)).ToList()) Kill(o, $"replaced by version '{app.Version}'");
            var budget = live.Count(Ready) - minHealthy;
            foreach (var o in old.Where(Ready).Take(Math.Max(0, budget)).ToList())
                Kill(o, $"replaced by version '{app.Version}'");
        }
        var toLaunch = Math.Max(0, Math.Min(n - current.Count, maxTotal - live.Count));
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
