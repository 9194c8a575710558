using System.Globalization;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// Builds <see cref="AppScheduler"/>'s input from the replicated state: app instances from tasks linked to an app,
/// and the next instance serial (the offers come from the leader's allocator). Pure, so the master's apps loop stays
/// a thin shell.
/// </summary>
internal static class AppInputs
{
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
                killRequested.Contains(task.Id), task.State == TaskState.Unreachable ? task.UpdatedAtMs : 0));
        }
        return result;
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
