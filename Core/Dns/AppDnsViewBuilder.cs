using System.Net;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.Dns;

/// <summary>Which instances the app DNS serves: a function of the replicated state, the health this master knows and the agents' addresses.</summary>
internal static class AppDnsViewBuilder
{
    /// <summary>
    /// An instance is served when it is TASK_RUNNING on a known agent, its app still exists, and the app has no health
    /// checks or the instance's reported health is Healthy. <paramref name="health"/> is null on a master that holds no
    /// health reports (a follower: agents report health to the leader only); it then serves every running instance.
    /// Agents whose address is unknown are left out (a record must resolve).
    /// </summary>
    public static IReadOnlyList<AppDnsEndpoint> Endpoints(
        IReadOnlyList<AppSpec> apps,
        IEnumerable<TaskRecord> tasks,
        IReadOnlyDictionary<string, AgentRecord> agents,
        IReadOnlyDictionary<string, HealthStatus>? health,
        Func<AgentRecord, IReadOnlyList<IPAddress>> addresses)
    {
        var byId = apps.ToDictionary(a => a.Id, StringComparer.Ordinal);
        var served = new List<AppDnsEndpoint>();
        foreach (var task in tasks.OrderBy(t => t.Id, StringComparer.Ordinal))
        {
            if (task.State != TaskState.Running || task.Spec.AppId is not { } appId || !byId.TryGetValue(appId, out var app)) continue;
            if (task.AgentId is not { } agentId || !agents.TryGetValue(agentId, out var agent)) continue;
            if (app.HasHealthChecks && health is not null && health.GetValueOrDefault(task.Id) != HealthStatus.Healthy) continue;
            var ips = addresses(agent);
            if (ips.Count == 0) continue;
            served.Add(new AppDnsEndpoint(appId, task.Id, agentId, ips, [.. TaskPorts.UsedBy(task.Spec)]));
        }
        return served;
    }
}
