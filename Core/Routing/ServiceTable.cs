using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.Routing;

/// <summary>
/// The routing mesh's table as the leader builds it: for each service port of each app, the instances that may take a
/// connection now: RUNNING, on an agent connected to the leader, and healthy when the app has health checks (a task
/// whose health is not reported yet is left out, as Marathon-lb does). Pure: a function of the state and the leader's
/// view of health and agents. <see cref="Diff"/> is what the leader pushes to agents.
/// </summary>
internal static class ServiceTable
{
    /// <param name="address">The address an agent is reached at, or null when it is not connected (its tasks are left out).</param>
    public static SortedDictionary<int, ServiceRoute> Build(IEnumerable<AppSpec> apps, IEnumerable<TaskRecord> tasks,
        Func<string, HealthStatus?> health, Func<string, string?> address)
    {
        var byApp = tasks.Where(t => t.State == TaskState.Running && t.Spec.AppId is not null && t.AgentId is not null)
            .GroupBy(t => t.Spec.AppId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.OrderBy(t => t.Id, StringComparer.Ordinal).ToList(),
                StringComparer.Ordinal);
        var table = new SortedDictionary<int, ServiceRoute>();
        foreach (var app in apps)
        {
            if (app.ServicePorts is not { Count: > 0 } servicePorts) continue;
            var live = byApp.GetValueOrDefault(app.Id) ?? [];
            var usable = live.Where(t => !app.HasHealthChecks || health(t.Id) == HealthStatus.Healthy)
                .Select(t => (Task: t, Host: address(t.AgentId!), Ports: TaskPorts.UsedBy(t.Spec).ToList())).Where(x => x.Host is not null).ToList();
            for (var i = 0; i < servicePorts.Count; i++)
            {
                var endpoints = usable.Where(x => i < x.Ports.Count).Select(x => new ServiceEndpoint(x.Task.Id, x.Host!, x.Ports[i])).ToList();
                table[servicePorts[i]] = new ServiceRoute(servicePorts[i], app.Id, i == 0 ? Vhost(app) : null, endpoints);
            }
        }
        return table;
    }

    /// <summary>The app's virtual host name (lower case, without a trailing dot), or null.</summary>
    public static string? Vhost(AppSpec app) =>
        app.Labels?.GetValueOrDefault(AppSpec.VhostLabel) is { Length: > 0 } name ? name.Trim().TrimEnd('.').ToLowerInvariant() : null;

    /// <summary>Routes that are new or changed from <paramref name="before"/> to <paramref name="after"/>, and the service ports that went away.</summary>
    public static (IReadOnlyList<ServiceRoute> Changed, IReadOnlyList<int> Removed) Diff(
        IReadOnlyDictionary<int, ServiceRoute> before, IReadOnlyDictionary<int, ServiceRoute> after)
    {
        var changed = after.Values.Where(r => !before.TryGetValue(r.ServicePort, out var old) || !old.SameAs(r)).ToList();
        var removed = before.Keys.Where(p => !after.ContainsKey(p)).Order().ToList();
        return (changed, removed);
    }
}
