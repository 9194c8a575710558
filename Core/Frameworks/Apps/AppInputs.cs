using System.Globalization;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// Builds <see cref="AppScheduler"/>'s input from the replicated state: app instances from tasks linked to an
/// app (the apps framework's offers come from the leader's allocator). <see cref="Offers"/> makes one pseudo-offer
/// per connected agent of what it has free (host ports: the agent's reported range minus those its live tasks hold,
/// see <see cref="TaskPorts"/>), for the jobs framework, which does not take allocator offers yet. Pure.
/// </summary>
internal static class AppInputs
{
    public const long OfferLifetimeMs = 60_000;

    public static List<AppInstance> Instances(IReadOnlyDictionary<string, AppSpec> apps, IEnumerable<TaskRecord> tasks,
        IReadOnlyDictionary<string, AgentRecord> agents, IReadOnlySet<string> killRequested, IReadOnlyDictionary<string, HealthStatus>? health = null)
    {
        var result = new List<AppInstance>();
        foreach (var task in tasks)
        {
            if (task.Spec.AppId is not { } appId) continue;
            var agent = task.AgentId is null ? null : agents.GetValueOrDefault(task.AgentId);
            var placement = new Placement(task.AgentId ?? "", agent?.Hostname ?? "", agent?.Attributes ?? new Dictionary<string, string>());
            // Only a running instance of an app with checks has a health: what its agent last reported (Unknown until then).
            var status = apps.TryGetValue(appId, out var app) && app.HasHealthChecks && task.State == TaskState.Running
                ? health?.GetValueOrDefault(task.Id) ?? HealthStatus.Unknown
                : HealthStatus.Unknown;
            result.Add(new AppInstance(task.Id, appId, task.Spec.AppVersion ?? "", placement, task.State, status, task.SubmittedAtMs,
                killRequested.Contains(task.Id)));
        }
        return result;
    }

    public static List<Offer> Offers(IEnumerable<(AgentRecord Agent, Resources Free)> agents, IEnumerable<TaskRecord> tasks, long nowMs)
    {
        // Grouped once: per agent, only its own tasks are looked at (1,000 agents x 100,000 tasks otherwise).
        var live = tasks.Where(t => t.AgentId is not null && !t.State.IsTerminal()).ToLookup(t => t.AgentId!, StringComparer.Ordinal);
        var offers = new List<Offer>();
        foreach (var (agent, free) in agents)
        {
            var ports = TaskPorts.Free(agent, live[agent.Id]);
            offers.Add(new Offer($"{agent.Id}@{nowMs}", "apps", agent.Id, agent.Hostname, agent.Attributes,
                new ResourceSet(free, ports), nowMs, nowMs + OfferLifetimeMs));
        }
        return offers;
    }

    /// <summary>The next instance serial: above every serial already used by an app task ("{app}.{serial}").</summary>
    public static long NextSerial(IEnumerable<TaskRecord> tasks, long atLeast)
    {
        var next = atLeast;
        foreach (var task in tasks)
        {
            if (task.Spec.AppId is null) continue;
            var dot = task.Id.LastIndexOf('.');
            if (dot >= 0 && long.TryParse(task.Id.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var serial))
                next = Math.Max(next, serial + 1);
        }
        return next;
    }
}
