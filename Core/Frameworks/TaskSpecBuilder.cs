using System.Globalization;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.Frameworks;

/// <summary>
/// Turns a framework's launch decision into the <see cref="TaskSpec"/> the agent runs. A cmd runs under
/// /bin/sh -c (so $PORT0 expands); args run as given. The environment tells the task who it is and
/// which ports it got, Marathon style (PORT0.., PORTS, HOST), with our own prefix for ids.
/// </summary>
internal static class TaskSpecBuilder
{
    public static TaskSpec ForApp(AppSpec app, AppLaunch launch, string hostname)
    {
        var env = new Dictionary<string, string>(app.Env ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["MINIMESOS_APP_ID"] = app.Id,
            ["MINIMESOS_APP_VERSION"] = launch.Version,
            ["MINIMESOS_TASK_ID"] = launch.Task.TaskId,
        };
        AddHostAndPorts(env, hostname, launch.Ports);
        // The agents announcing the instance over mDNS learn the service type here; only the validated label sets it.
        if (app.Labels?.GetValueOrDefault(Dns.DnsSdServiceType.Label) is { } dnssd) env[Dns.DnsSdServiceType.EnvVariable] = dnssd;
        else env.Remove(Dns.DnsSdServiceType.EnvVariable);
        var shell = app.Container is not null && !string.IsNullOrWhiteSpace(app.Cmd);
        var argv = app.Container is null ? Argv(app.Cmd, app.Args) : shell ? [app.Cmd!] : app.Args ?? [];
        return new TaskSpec(launch.Task.TaskId, argv, env, launch.Task.Resources.Scalars, app.Id, launch.Version,
            User: app.User, Network: app.Labels?.GetValueOrDefault(AppSpec.NetworkLabel) == "none" ? "none" : null, Fetch: app.Fetch,
            Image: app.Container is { } image ? image with { Shell = shell } : null);
    }

    public static TaskSpec ForJob(JobSpec job, JobLaunch launch, string hostname)
    {
        var env = new Dictionary<string, string>(job.Env ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["MINIMESOS_JOB_ID"] = job.Id,
            ["MINIMESOS_JOB_RUN_ID"] = launch.RunId,
            ["MINIMESOS_JOB_ATTEMPT"] = launch.Attempt.ToString(CultureInfo.InvariantCulture),
            ["MINIMESOS_TASK_ID"] = launch.Task.TaskId,
            ["HOST"] = hostname,
        };
        return new TaskSpec(launch.Task.TaskId, Argv(job.Cmd, job.Args), env, launch.Task.Resources.Scalars,
            User: job.User, Network: job.Network == "none" ? "none" : null, Rootfs: job.Rootfs, Binds: job.Binds);
    }

    /// <summary>A one-shot task's spec once placed: HOST, and PORT0.., PORT, PORTS for the ports it was given.</summary>
    public static TaskSpec ForPlacedTask(TaskSpec spec, string hostname, IReadOnlyList<int> ports)
    {
        var env = new Dictionary<string, string>(spec.Env, StringComparer.Ordinal);
        AddHostAndPorts(env, hostname, ports);
        return spec with { Env = env };
    }

    private static void AddHostAndPorts(Dictionary<string, string> env, string hostname, IReadOnlyList<int> ports)
    {
        env["HOST"] = hostname;
        env["PORTS"] = string.Join(",", ports.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        for (var i = 0; i < ports.Count; i++) env[$"PORT{i}"] = ports[i].ToString(CultureInfo.InvariantCulture);
        if (ports.Count > 0) env["PORT"] = env["PORT0"];
    }

    private static IReadOnlyList<string> Argv(string? cmd, IReadOnlyList<string>? args) =>
        !string.IsNullOrWhiteSpace(cmd) ? ["/bin/sh", "-c", cmd] : args ?? [];
}
