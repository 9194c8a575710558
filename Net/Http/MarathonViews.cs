using System.Security.Cryptography;
using System.Text;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Net.Master;

namespace MiniMesos.Net.Http;

/// <summary>Builds the Marathon-shaped answers of the /v2 API from the master's state and the apps loop.</summary>
internal static class MarathonViews
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    public static MarathonApp App(ApiContext context, AppSpec app, IReadOnlyList<TaskRecord> allTasks, MarathonEmbed embed)
    {
        var mine = allTasks.Where(t => t.Spec.AppId == app.Id).ToList();
        var tasks = mine.Where(t => !t.State.IsTerminal()).ToList();
        var counts = Counts(context.Master, app, tasks);
        var deployment = InDeployment(context.Master, app, tasks) ? new[] { new MarathonDeploymentRef(DeploymentId(app)) } : [];
        return Definition(app) with
        {
            TasksRunning = embed.Counts ? counts.Running : null,
            TasksStaged = embed.Counts ? counts.Staged : null,
            TasksHealthy = embed.Counts ? counts.Healthy : null,
            TasksUnhealthy = embed.Counts ? counts.Unhealthy : null,
            Deployments = embed.Deployments ? deployment : null,
            Tasks = embed.Tasks ? tasks.Select(t => Task(context.Master, t)).ToList() : null,
            LastTaskFailure = embed.LastTaskFailure ? LastTaskFailure(context.Master, mine) : null,
            TasksStats = embed.TaskStats ? TaskStats(context.Master, app, tasks) : null,
            ReadinessCheckResults = embed.Readiness ? [] : null,
        };
    }

    /// <summary>The app definition alone, every field Marathon writes for it.</summary>
    public static MarathonApp Definition(AppSpec app) => new(app.Id, app.Cmd, app.Args ?? [], app.Env ?? NoLabels, app.Cpus, app.Mem, app.Disk, 0,
        app.Instances, app.User, "", app.Constraints ?? [], app.Labels ?? NoLabels,
        (app.HealthChecks ?? []).Select(h => new MarathonHealthCheck(h.Protocol, h.Command is null ? null : new MarathonCommand(h.Command), h.Path,
            h.Protocol == "COMMAND" ? null : h.PortIndex, h.GracePeriodSeconds, h.IntervalSeconds, h.TimeoutSeconds, h.MaxConsecutiveFailures, 15)).ToList(),
        Enumerable.Range(0, app.Ports).Select(i => new MarathonPortDefinition(ServicePort(app, i), "tcp", NoLabels)).ToList(),
        app.RequirePorts, [], (app.Fetch ?? []).Select(f => new MarathonFetch(f.Uri, f.Extract, f.Executable, f.Cache, f.DestPath)).ToList(), app.BackoffSeconds, app.BackoffFactor, app.MaxLaunchDelaySeconds,
        new MarathonUpgradeStrategy(app.Upgrade.MinimumHealthCapacity, app.Upgrade.MaximumOverCapacity), app.LastChange,
        new MarathonVersionInfo(app.ScaledAt.Length > 0 ? app.ScaledAt : app.Version, app.Version))
    {
        UnreachableStrategy = MarathonUnreachableFields.Show(app.Unreachable),
        KillSelection = MarathonUnreachableFields.Show(app.KillSelection),
        Container = app.Container is { } c
            ? new MarathonContainer(c.Style == Core.Images.ImageCommandStyle.Docker ? "DOCKER" : "MESOS", new MarathonDockerImage(c.Reference, c.ForcePull))
            : null,
    };

    private static int ServicePort(AppSpec app, int index) => app.ServicePorts is { } ports && index < ports.Count ? ports[index] : 0;

    private static MarathonTaskCounts Counts(MasterService master, AppSpec app, IReadOnlyList<TaskRecord> live)
    {
        var (healthy, unhealthy) = MarathonHealthViews.Counts(master, app, live);
        return new MarathonTaskCounts(live.Count(t => t.State is TaskState.Staging or TaskState.Starting), live.Count(t => t.State == TaskState.Running),
            healthy, unhealthy);
    }

    private static MarathonTaskStatsByVersion? TaskStats(MasterService master, AppSpec app, IReadOnlyList<TaskRecord> live)
    {
        if (live.Count == 0) return new MarathonTaskStatsByVersion();
        MarathonStats? Of(IReadOnlyList<TaskRecord> tasks) =>
            tasks.Count == 0 ? null : new MarathonStats(new MarathonTaskStats(Counts(master, app, tasks)));
        return new MarathonTaskStatsByVersion(Of(live.Where(t => t.Spec.AppVersion == app.Version).ToList()),
            Of(live.Where(t => t.Spec.AppVersion != app.Version).ToList()), Of(live));
    }

    /// <summary>The app's most recent instance that failed, was lost or is gone (kills we asked for are not failures).</summary>
    public static MarathonTaskFailure? LastTaskFailure(MasterService master, IReadOnlyList<TaskRecord> appTasks)
    {
        var t = appTasks.Where(t => t.State is TaskState.Failed or TaskState.Lost or TaskState.Gone).MaxBy(t => t.UpdatedAtMs);
        return t is null ? null : new MarathonTaskFailure(t.Spec.AppId ?? "", Host(master, t) ?? "", t.Message ?? "", t.State.ToWire(), t.Id,
            MarathonTime.Format(t.UpdatedAtMs), t.Spec.AppVersion ?? "", t.AgentId);
    }

    public static MarathonTask Task(MasterService master, TaskRecord t)
    {
        var ports = t.Spec.Env.TryGetValue("PORTS", out var p) && p.Length > 0 ? p.Split(',').Select(int.Parse).ToList() : [];
        IReadOnlyList<int> servicePorts = t.Spec.AppId is { } appId ? master.App(appId)?.ServicePorts ?? [] : [];
        return new MarathonTask(t.Id, t.Spec.AppId ?? "", Host(master, t) ?? "", t.AgentId, t.State.ToWire(), t.Spec.AppVersion ?? "", ports, servicePorts,
            MarathonTime.Format(t.SubmittedAtMs), t.State == TaskState.Running ? MarathonTime.Format(t.UpdatedAtMs) : null, "*",
            MarathonHealthViews.Results(master, t));
    }

    private static string? Host(MasterService master, TaskRecord t) =>
        t.AgentId is null ? null : master.Agents().FirstOrDefault(a => a.Agent.Id == t.AgentId).Agent?.Hostname;

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
            var action = new MarathonDeploymentAction(live.Any(t => t.Spec.AppVersion != app.Version) ? "RestartApplication" : "ScaleApplication", app.Id);
            result.Add(new MarathonDeployment(DeploymentId(app), app.LastChange, [app.Id], [], [new MarathonDeploymentStep([action])], [action], 1, 1));
        }
        return result;
    }

    /// <summary>A stable id per (app, version), in Marathon's UUID format.</summary>
    public static string DeploymentId(AppSpec app) => DeploymentId(app.Id, app.LastChange);

    public static string DeploymentId(string appId, string version) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{appId}@{version}")).AsSpan(0, 16)).ToString();

    /// <summary>
    /// A new version stamp (ISO 8601 UTC, as Marathon), later than <paramref name="previous"/> even within one millisecond.
    /// Stamps keep milliseconds only, so they are compared in milliseconds: a clock reading later than the previous stamp
    /// but within its millisecond would otherwise format to the same stamp (a change that is no new version).
    /// </summary>
    public static string NewVersion(TimeProvider time, string? previous)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (previous is not null && DateTimeOffset.TryParse(previous, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var last))
            now = Math.Max(now, last.ToUnixTimeMilliseconds() + 1);
        return MarathonTime.Format(now);
    }
}
