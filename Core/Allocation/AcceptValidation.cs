namespace MiniMesos.Core.Allocation;

/// <summary>Checks the launches of one accept against what was offered; pure, returns the first problem.</summary>
internal static class AcceptValidation
{
    public static string? Check(IReadOnlyList<TaskLaunch> launches, ResourceSet offered, string offerNames)
    {
        if (launches.Count == 0) return null;
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        var portOwner = new Dictionary<int, string>();
        var total = ResourceSet.Empty;
        foreach (var launch in launches)
        {
            if (string.IsNullOrWhiteSpace(launch.TaskId)) return "a task has an empty id";
            if (!seenIds.Add(launch.TaskId)) return $"task id '{launch.TaskId}' appears twice";
            var s = launch.Resources.Scalars;
            if (s.Cpus < 0 || s.MemMb < 0 || s.DiskMb < 0) return $"task '{launch.TaskId}': negative resources {s}";
            if (!double.IsFinite(s.Cpus)) return $"task '{launch.TaskId}': cpus is not a number";
            foreach (var port in launch.Resources.Ports.Ports)
            {
                if (portOwner.TryGetValue(port, out var other))
                    return $"port {port} is requested by both task '{other}' and task '{launch.TaskId}'";
                portOwner[port] = launch.TaskId;
            }
            var missingPorts = launch.Resources.Ports.Subtract(offered.Ports);
            if (!missingPorts.IsEmpty)
                return $"task '{launch.TaskId}': ports {missingPorts} are not in the offered ranges {offered.Ports} of {offerNames}";
            total = new ResourceSet(total.Scalars + s, total.Ports);
        }
        var shortfall = offered.Shortfall(total);
        return shortfall is null ? null : $"the tasks together exceed {offerNames}: {shortfall}";
    }
}
