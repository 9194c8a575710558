using MiniMesos.Core.Allocation;

namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// Marathon's service ports: each app port gets one cluster-wide port from the service port range (default
/// 10000-20000), on which every agent's routing mesh listens. The leader assigns them before it commits the app: a
/// requested port (non-zero) is given as it is or refused; a zero keeps the port the app had at that index (so scaling,
/// restarts and new versions keep their ports), else gets the lowest free one. Pure: a function of the apps.
/// </summary>
internal static class ServicePortAllocator
{
    public static readonly PortRange DefaultRange = new(10000, 20000);

    /// <summary>The app with its service ports assigned, or why it cannot have them (<see cref="ServicePortConflict.Taken"/>: 409, else 422).</summary>
    public static (AppSpec? App, ServicePortConflict? Conflict) Assign(AppSpec app, AppSpec? previous, IEnumerable<AppSpec> apps, PortRange range)
    {
        var owners = new Dictionary<int, string>();
        foreach (var other in apps)
        {
            if (other.Id == app.Id) continue;
            foreach (var port in other.ServicePorts ?? []) owners.TryAdd(port, other.Id);
        }
        var requested = app.ServicePorts ?? [];
        var kept = previous?.ServicePorts ?? [];
        var result = new int[app.Ports];
        var mine = new HashSet<int>();
        for (var i = 0; i < app.Ports; i++)
        {
            var port = i < requested.Count ? requested[i] : 0;
            if (port == 0) continue;
            var field = $"portDefinitions[{i}].port";
            if (!range.Contains(port))
                return (null, new ServicePortConflict(field, $"service port {port} is outside the service port range {range.Begin}-{range.End}", false));
            if (owners.TryGetValue(port, out var owner))
                return (null, new ServicePortConflict(field, $"service port {port} is already used by app {owner}", true));
            if (!mine.Add(port)) return (null, new ServicePortConflict(field, $"service port {port} is given twice", false));
            result[i] = port;
        }
        // Zeros keep the port the app had at that index when it is still theirs to keep.
        for (var i = 0; i < app.Ports; i++)
        {
            if (result[i] != 0 || i >= kept.Count) continue;
            var port = kept[i];
            if (range.Contains(port) && !owners.ContainsKey(port) && mine.Add(port)) result[i] = port;
        }
        var next = range.Begin;
        for (var i = 0; i < app.Ports; i++)
        {
            if (result[i] != 0) continue;
            while (next <= range.End && (owners.ContainsKey(next) || mine.Contains(next))) next++;
            if (next > range.End)
                return (null, new ServicePortConflict($"portDefinitions[{i}].port", $"no free service port left in the range {range.Begin}-{range.End}", true));
            mine.Add(next);
            result[i] = next;
        }
        return (app with { ServicePorts = result.Length == 0 ? null : result }, null);
    }

    /// <summary>A service port of <paramref name="app"/> another app already holds; null when none (checked again where PutApp applies).</summary>
    public static int? Clash(AppSpec app, IEnumerable<AppSpec> apps)
    {
        if (app.ServicePorts is not { Count: > 0 } ports) return null;
        foreach (var other in apps)
        {
            if (other.Id == app.Id || other.ServicePorts is null) continue;
            foreach (var port in other.ServicePorts)
                if (ports.Contains(port)) return port;
        }
        return null;
    }
}
