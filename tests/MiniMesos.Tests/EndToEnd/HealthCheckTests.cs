using System.Text.Json;
using MiniMesos.Core.Model;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>Health checks probed by the agent against real task processes, and what the leader does with the results.</summary>
[Trait("Category", "Slow")]
public sealed class HealthCheckTests
{
    private static int Healthy(JsonElement app) => app.GetProperty("tasksHealthy").GetInt32();

    [Fact]
    public async Task AnHttpCheckAgainstAServerInTheTaskMakesTheInstanceHealthy()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 1);
        try
        {
            var (status, _) = await lab.SendAsync(HttpMethod.Post, "/v2/apps", $$"""
                {"id": "/web", "cmd": "echo $$ > {{lab.Pids}}/$MINIMESOS_TASK_ID.pid; exec /usr/bin/python3 -m http.server $PORT0",
                 "cpus": 0.1, "mem": 64, "instances": 1, "portDefinitions": [{"port": 0}],
                 "healthChecks": [{"protocol": "MESOS_HTTP", "path": "/", "portIndex": 0, "gracePeriodSeconds": 20,
                                   "intervalSeconds": 0.5, "timeoutSeconds": 0.5, "maxConsecutiveFailures": 3}]}
                """);
            Assert.Equal(201, status);
            var app = await lab.WaitForAppAsync("/web", a => Healthy(a) == 1, "healthy");
            Assert.Equal(0, app.GetProperty("tasksUnhealthy").GetInt32());
            Assert.Empty((await lab.SendAsync(HttpMethod.Get, "/v2/deployments")).Body.EnumerateArray());

            var tasks = (await lab.SendAsync(HttpMethod.Get, "/v2/apps/web/tasks")).Body.GetProperty("tasks");
            var task = Assert.Single(tasks.EnumerateArray());
            var result = Assert.Single(task.GetProperty("healthCheckResults").EnumerateArray());
            Assert.True(result.GetProperty("alive").GetBoolean());
            Assert.Equal(0, result.GetProperty("consecutiveFailures").GetInt32());
            Assert.Equal(task.GetProperty("id").GetString(), result.GetProperty("instanceId").GetString());
            Assert.True(result.TryGetProperty("firstSuccess", out _));
            var all = (await lab.SendAsync(HttpMethod.Get, "/v2/tasks")).Body.GetProperty("tasks");
            Assert.True(Assert.Single(all.EnumerateArray()).GetProperty("healthCheckResults")[0].GetProperty("alive").GetBoolean());

            var id = task.GetProperty("id").GetString();
            Assert.Contains(lab.Cluster.Master.Service.EventsAfter(0), e => e.Kind == "health_status_changed" && e.Id == id && e.State == "healthy");
        }
        finally
        {
            lab.KillLeftovers();
        }
    }

    [Fact]
    public async Task AFailingTcpCheckReplacesTheInstanceAfterMaxConsecutiveFailuresAtABoundedRate()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 1);
        try
        {
            // Nothing listens on PORT0: every TCP probe is refused.
            Assert.Equal(201, (await lab.SendAsync(HttpMethod.Post, "/v2/apps", $$"""
                {"id": "/deaf", "cmd": "{{lab.SleeperCmd}}", "cpus": 0.1, "mem": 16, "instances": 1, "ports": [0],
                 "healthChecks": [{"protocol": "TCP", "portIndex": 0, "gracePeriodSeconds": 0, "intervalSeconds": 1,
                                   "timeoutSeconds": 1, "maxConsecutiveFailures": 3}]}
                """)).Status);
            var master = lab.Cluster.Master.Service;
            var killed = (await Eventually.MatchAsync(
                () => Task.FromResult(master.Tasks().FirstOrDefault(t => t.Spec.AppId == "/deaf" && t.State == TaskState.Killed)),
                t => t is not null, "an instance with refused probes is killed", MarathonApps.Patience, () => $"log:\n{lab.Cluster.Log}"))!;
            Assert.Contains("health checks failed", killed.Message);
            Assert.Contains("ConnectionRefused", killed.Message);
            Assert.Contains(master.EventsAfter(0), e => e.Kind == "health_status_changed" && e.Id == killed.Id && e.State == "unhealthy");

            // Each instance lives through 3 probes 1 s apart (at least 2 s) before it is killed: in 6 s at most 3 more, plus one at the edge.
            var before = master.Tasks().Count(t => t.Spec.AppId == "/deaf");
            await Task.Delay(TimeSpan.FromSeconds(6)); // the scenario: how many instances a fixed window sees started
            var started = master.Tasks().Count(t => t.Spec.AppId == "/deaf") - before;
            Assert.InRange(started, 2, 4);
            Assert.True(master.Tasks().Count(t => t.Spec.AppId == "/deaf" && !t.State.IsTerminal()) <= 2);
            Assert.All(master.Tasks().Where(t => t.Spec.AppId == "/deaf" && t.State.IsTerminal()), t => Assert.Equal(TaskState.Killed, t.State));
            // Replacing unhealthy instances is not the app failing: no launch delay builds up.
            Assert.Equal(0, lab.Cluster.Master.Apps.Backoff("/deaf")?.Failures ?? 0);
        }
        finally
        {
            lab.KillLeftovers();
        }
    }

    [Fact]
    public async Task AHangingCommandCheckIsTimedOutKilledAndTheInstanceReplaced()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 1);
        try
        {
            // A duration no other process uses, to find leftovers of the check by their command line.
            var marker = $"{Random.Shared.Next(100, 999)}.{Random.Shared.Next(100, 999)}";
            Assert.Equal(201, (await lab.SendAsync(HttpMethod.Post, "/v2/apps", $$"""
                {"id": "/stuck", "cmd": "{{lab.SleeperCmd}}", "cpus": 0.1, "mem": 16, "instances": 1,
                 "healthChecks": [{"protocol": "COMMAND", "command": {"value": "test -n \"$MINIMESOS_TASK_ID\" && sleep {{marker}}"},
                                   "gracePeriodSeconds": 0, "intervalSeconds": 1, "timeoutSeconds": 0.5, "maxConsecutiveFailures": 2}]}
                """)).Status);
            var master = lab.Cluster.Master.Service;
            var killed = (await Eventually.MatchAsync(
                () => Task.FromResult(master.Tasks().FirstOrDefault(t => t.Spec.AppId == "/stuck" && t.State == TaskState.Killed)),
                t => t is not null, "an instance with hanging checks is killed", MarathonApps.Patience, () => $"log:\n{lab.Cluster.Log}"))!;
            Assert.Contains("timed out", killed.Message);
            await lab.WaitForAppAsync("/stuck", a => a.GetProperty("tasksRunning").GetInt32() == 1, "replacement running");
            // Every timed-out check command was killed with its children: no `sleep {marker}` outlives its check by long.
            int Leftovers() => Directory.GetDirectories("/proc").Select(d => Path.Combine(d, "cmdline")).Where(File.Exists)
                .Select(f => { try { return File.ReadAllText(f); } catch (IOException) { return ""; } })
                .Count(c => c.Contains($"sleep\0{marker}", StringComparison.Ordinal));
            // At most the probe in flight right now; a leaked one would sleep for minutes and keep the count up.
            await Eventually.TrueAsync(() => Leftovers() <= 1, "no more than the probe in flight is left", TimeSpan.FromSeconds(10));
        }
        finally
        {
            lab.KillLeftovers();
        }
    }
}
