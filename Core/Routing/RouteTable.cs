namespace MiniMesos.Core.Routing;

/// <summary>
/// The agent's copy of the leader's service table, kept by applying its pushes in order: a full table (base version 0)
/// replaces everything, a change applies only on top of the version it was computed from. Not thread-safe: the mesh
/// applies pushes under its own lock.
/// </summary>
internal sealed class RouteTable
{
    private readonly Dictionary<int, ServiceRoute> _routes = [];

    public long Version { get; private set; }

    public IReadOnlyDictionary<int, ServiceRoute> Routes => _routes;

    /// <summary>Applies one push; false (nothing changed) when it builds on a version this table does not have.</summary>
    public bool Apply(long version, long baseVersion, IReadOnlyList<ServiceRoute> changed, IReadOnlyList<int> removed)
    {
        if (baseVersion == 0) _routes.Clear();
        else if (baseVersion != Version) return false;
        foreach (var port in removed) _routes.Remove(port);
        foreach (var route in changed) _routes[route.ServicePort] = route;
        Version = version;
        return true;
    }

    /// <summary>Forgets everything (the agent lost its leader: a new one sends a full table).</summary>
    public void Clear()
    {
        _routes.Clear();
        Version = 0;
    }

    /// <summary>The service port an HTTP Host name routes to (exact, case-insensitive match of the app's vhost), or null.</summary>
    public int? PortForHost(string host)
    {
        foreach (var route in _routes.Values)
            if (route.Vhost is { } name && string.Equals(name, host, StringComparison.OrdinalIgnoreCase)) return route.ServicePort;
        return null;
    }
}
