using System.Security.Cryptography;
using System.Text;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Net.Master;

namespace MiniMesos.Net.Http;

/// <summary>Builds the Marathon-shaped answers of the /v2 API from the master's state and the apps loop.</summary>
internal static class MarathonViews
{
    public static MarathonApp App(ApiContext context, AppSpec app, IReadOnlyList<TaskRecord> allTasks, bool embedTasks,
        IReadOnlyList<string>? warnings = null, IReadOnlyList<string>? unsupported = null)
    {
        var tasks = allTasks.Where(t => t.Spec.AppId == app.Id && !t.State.IsTerminal()).ToList();
        var running = tasks.Count(t => t.State == TaskState.Running);
        var staged = tasks.Count(t => t.State is TaskState.Staging or TaskState.Starting);
        var (healthy, unhealthy) = MarathonHealthViews.Counts(context.Master, app, tasks);
        var deployment = InDeployment(context.Master, app, tasks) ? new[] { new MarathonDeploymentRef(DeploymentId(app)) } : [];
        return new MarathonApp(app.Id, app.Cmd, app.Args, app.Env ?? new Dictionary<string, string>(), app.Cpus, app.Mem, app.Disk, app.Instances,
            app.User, app.Constraints ?? [], app.Labels ?? new Dictionary<string, string>(),
            (app.HealthChecks ?? []).Select(h => new MarathonHealthCheck(h.Protocol, h.Command, h.Path, h.PortIndex, h.GracePeriodSeconds,
                h.IntervalSeconds, h.TimeoutSeconds, h.MaxConsecutiveFailures)).ToList(),
            Enumerable.Range(0, app.Ports).Select(_ => new MarathonPortDefinition(0, "tcp")).ToList(),
            app.BackoffSeconds, app.BackoffFactor, app.MaxLaunchDelaySeconds,
            new MarathonUpgradeStrategy(app.Upgrade.MinimumHealthCapacity, app.Upgrade.MaximumOverCapacity), app.Version,
            running, staged, healthy, unhealthy, deployment, context.Apps?.Waiting(app.Id)?.Reason,
            embedTasks ? tasks.Select(t => Task(context.Master, t)).ToList() : null,
            warnings is { Count: > 0 } ? warnings : null, unsupported is { Count: > 0 } ? unsupported : null,
            MarathonUnreachableFields.Show(app.Unreachable), MarathonUnreachableFields.Show(app.KillSelection));
    }

    public static MarathonTask Task(MasterService master, TaskRecord t)
    {
        var host = t.AgentId is null ? null : master.Agents().FirstOrDefault(a => a.Agent.Id == t.AgentId).Agent?.Hostname;
        var ports = t.Spec.Env.TryGetValue("PORTS", out var p) && p.Length > 0 ? p.Split(',').Select(int.Parse).ToList() : [];
        return new MarathonTask(t.Id, t.Spec.AppId ?? "", host, t.AgentId, t.State.ToWire(), t.Spec.AppVersion ?? "", ports,
            DateTimeOffset.FromUnixTimeMilliseconds(t.SubmittedAtMs),
            t.State == TaskState.Running ? DateTimeOffset.FromUnixTimeMilliseconds(t.UpdatedAtMs) : null, t.Message,
            MarathonHealthViews.Results(master, t));
    }

    /// <summary>An app is deploying while it does not have exactly its instances, all of the current version, running (and healthy, with checks).</summary>
    public static bool InDeployment(MasterService master, AppSpec app, IReadOnlyList<TaskRecord> liveTasks) =>
        liveTasks.Count != app.Instances
        || liveTasks.Any(t => t.Spec.AppVersion != app.Version)
        || liveTasks.Any(t => t.State != TaskState.Running)
        || (app.HasHealthChecks && liveTasks.Any(t => MarathonHealthViews.Status(master, t) != HealthStatus.Healthy));

    public static IReadOnlyList<MarathonDeployment> Deployments(MasterService master)
    {
        var tasks = master.Tasks();
        var result = new List<MarathonDeployment>();
        foreach (var app in master.Apps())
        {
            var live = tasks.Where(t => t.Spec.AppId == app.Id && !t.State.IsTerminal()).ToList();
            if (!InDeployment(master, app, live)) continue;
            var action = live.Any(t => t.Spec.AppVersion != app.Version) ? "RestartApplication" : "ScaleApplication";
            result.Add(new MarathonDeployment(DeploymentId(app), app.Version, [app.Id], 1, 1, [new MarathonDeploymentAction(action, app.Id)]));
        }
        return result;
    }

    /// <summary>A stable id per (app, version), in Marathon's UUID format.</summary>
    public static string DeploymentId(AppSpec app) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{app.Id}@{app.Version}")).AsSpan(0, 16)).ToString();

    /// <summary>A new version stamp (ISO 8601 UTC, as Marathon), later than <paramref name="previous"/> even within one millisecond.</summary>
    public static string NewVersion(TimeProvider time, string? previous)
    {
        var now = time.GetUtcNow();
        if (previous is not null && DateTimeOffset.TryParse(previous, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var last) && now <= last) now = last.AddMilliseconds(1);
        return now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
    }
}
