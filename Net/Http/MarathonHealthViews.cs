using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Net.Master;

namespace MiniMesos.Net.Http;

/// <summary>What the /v2 views show of app instances' health: per-task results and the app's healthy/unhealthy counts.</summary>
internal static class MarathonHealthViews
{
    /// <summary>A running task's combined health: what its agent last reported, Unknown before any report.</summary>
    public static HealthStatus Status(MasterService master, TaskRecord task) =>
        task.State == TaskState.Running ? master.Health(task.Id)?.Status ?? HealthStatus.Unknown : HealthStatus.Unknown;

    /// <summary>Marathon's tasksHealthy and tasksUnhealthy: every check passing, and some check failing.</summary>
    public static (int Healthy, int Unhealthy) Counts(MasterService master, AppSpec app, IEnumerable<TaskRecord> liveTasks)
    {
        if (!app.HasHealthChecks) return (0, 0);
        var statuses = liveTasks.Select(t => Status(master, t)).ToList();
        return (statuses.Count(s => s == HealthStatus.Healthy), statuses.Count(s => s is HealthStatus.Failing or HealthStatus.Unhealthy));
    }

    /// <summary>The task's healthCheckResults (only checks that have run at least once), or null when nothing was reported.</summary>
    public static IReadOnlyList<MarathonHealthCheckResult>? Results(MasterService master, TaskRecord task)
    {
        if (task.State != TaskState.Running || master.Health(task.Id) is not { } health) return null;
        return health.Checks.Where(c => c.Tally.LastOk is not null).Select(c => new MarathonHealthCheckResult(c.Tally.LastOk == true,
            c.Tally.ConsecutiveFailures, Time(c.Tally.FirstSuccessAtMs), Time(c.Tally.LastFailureAtMs), Time(c.Tally.LastSuccessAtMs),
            c.Tally.LastFailureCause, task.Id)).ToList();
    }

    private static string? Time(long? ms) => MarathonTime.Format(ms);
}
