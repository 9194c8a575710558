using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// The apps framework as a function: (apps, instances, offers, backoffs, now) -> launches, kills, waits
/// and unused offers. Deterministic: apps in id order, offers in the order given, ids from a counter.
/// Call it on every offer round and every status change; it converges each app to exactly
/// <c>instances</c> healthy instances of its current version.
/// </summary>
internal static class AppScheduler
{
    private const string InvalidSpec = "invalid spec: ";
    private const string Delayed = "launch delayed ";

    /// <summary>
    /// True when an app waits for resources (not only for its launch backoff or a fixed spec): the framework wants offers.
    /// </summary>
    public static bool WantsOffers(AppDecisions decisions) =>
        decisions.Waits.Any(w => !w.Reason.StartsWith(InvalidSpec, StringComparison.Ordinal) && !w.Reason.StartsWith(Delayed, StringComparison.Ordinal));

    public static AppDecisions Decide(AppSchedulerInput input)
    {
        var launches = new List<AppLaunch>();
        var kills = new List<AppKill>();
        var waits = new List<AppWait>();
        var remaining = input.Offers.ToDictionary(o => o.Id, o => o.Resources, StringComparer.Ordinal);
        var usable = input.Offers.Where(o => o.ExpiresAtMs > input.NowMs).ToList();
        var serial = input.NextSerial;
        // Each app looks at its own instances only: apps x instances would dominate a pass of a big cluster.
        var byApp = input.Instances.ToLookup(i => i.AppId, StringComparer.Ordinal);

        foreach (var app in input.Apps.OrderBy(a => a.Id, StringComparer.Ordinal))
        {
            var plan = RolloutPlanner.Plan(app, byApp[app.Id], input.WallNowMs ?? input.NowMs);
            kills.AddRange(plan.Kills);
            if (plan.ToLaunch == 0) continue;

            var errors = new List<ValidationError>();
            var constraints = (app.Constraints ?? []).Select((c, i) => Constraint.Parse(c, $"constraints[{i}]", errors)).ToList();
            if (errors.Count > 0)
            {
                waits.Add(new AppWait(app.Id, plan.ToLaunch, $"{InvalidSpec}{errors[0]}"));
                continue;
            }
            if (input.Backoffs.TryGetValue(app.Id, out var backoff) && backoff.NotBeforeMs > input.NowMs)
            {
                waits.Add(new AppWait(app.Id, plan.ToLaunch,
                    $"{Delayed}{backoff.DelaySeconds:0.###} s after {backoff.Failures} failure{(backoff.Failures == 1 ? "" : "s")}; " +
                    $"next launch at {backoff.NotBeforeMs} ms"));
                continue;
            }

            var budget = input.MaxLaunches - launches.Count;
            if (budget <= 0)
            {
                waits.Add(new AppWait(app.Id, plan.ToLaunch, $"this placement pass reached its limit of {input.MaxLaunches} launches; the next pass goes on"));
                continue;
            }
            // Instances being killed hold their place until they end, as the replicated state counts them (ClusterState.AppInstances).
            var killing = plan.Kills.Select(k => k.InstanceId).ToHashSet(StringComparer.Ordinal);
            var placed = plan.Staying.Concat(byApp[app.Id].Where(i => i.State.IsAlive() && (i.KillRequested || killing.Contains(i.Id))))
                .Select(i => i.Placement).ToList();
            var (packed, whyNot) = OfferPacker.Pack(app, Math.Min(plan.ToLaunch, budget), constraints!, placed, usable, remaining);
            foreach (var (offer, resources, ports) in packed)
            {
                var id = $"{app.Id.Trim('/').Replace('/', '_')}.{serial++}";
                launches.Add(new AppLaunch(app.Id, app.Version, offer.Id, offer.AgentId, new TaskLaunch(id, resources), ports));
            }
            if (whyNot is not null) waits.Add(new AppWait(app.Id, plan.ToLaunch - packed.Count, whyNot));
            else if (packed.Count < plan.ToLaunch)
                waits.Add(new AppWait(app.Id, plan.ToLaunch - packed.Count, $"this placement pass reached its limit of {input.MaxLaunches} launches; the next pass goes on"));
        }

        var used = launches.Select(l => l.OfferId).ToHashSet(StringComparer.Ordinal);
        var unused = input.Offers.Where(o => !used.Contains(o.Id)).Select(o => o.Id).ToList();
        return new AppDecisions(launches, kills, waits, unused, serial);
    }

    /// <summary>Instances of an app that count towards it (alive, not being killed; an unreachable one does not count).</summary>
    public static IEnumerable<AppInstance> Live(IEnumerable<AppInstance> instances, string appId) =>
        instances.Where(i => i.AppId == appId && i.State.IsAlive() && !i.KillRequested);
}
