using System.Diagnostics;
using System.Text.Json;
using MiniMesos.Core.Model;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>The Marathon-compatible /v2 API against a real master and agents: deploy, constraints, replacement, scale, restart.</summary>
[Trait("Category", "Slow")]
public sealed class MarathonApiTests
{
    private static int Running(JsonElement app) => app.GetProperty("tasksRunning").GetInt32();

    [Fact]
    public async Task UniqueHostnamePlacesOnePerAgentAndSaysWhyTheFourthWaitsThenScalesDown()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 3);
        try
        {
            // Shaped like the examples in Marathon's docs, with one field MiniMesos does not implement.
            var (status, created) = await lab.SendAsync(HttpMethod.Post, "/v2/apps", $$"""
                {
                  "id": "/web",
                  "cmd": "{{lab.SleeperCmd}}",
                  "cpus": 0.1, "mem": 16, "instances": 4,
                  "constraints": [["hostname", "UNIQUE"]],
                  "labels": {"team": "edge"}
                }
                """);
            Assert.Equal(201, status);
            Assert.Equal("/web", created.GetProperty("id").GetString());
            var version = created.GetProperty("version").GetString();

            var (app, waiting) = await lab.WaitForWaitingAsync("/web", (a, w) => Running(a) == 3 && w is not null, "3 of 4 running");
            Assert.Contains("UNIQUE hostname", waiting);
            var hosts = MarathonApps.Tasks(app).Select(t => t.GetProperty("host").GetString()).Order().ToList();
            Assert.Equal(["pi1", "pi2", "pi3"], hosts);
            var deployments = (await lab.SendAsync(HttpMethod.Get, "/v2/deployments")).Body;
            Assert.Equal("/web", deployments[0].GetProperty("affectedApps")[0].GetString());

            // Scale down: a change of instances alone keeps the config version (no rolling restart); as in Marathon the
            // app's version is the scale's, and versionInfo tells the two apart.
            var (scaled, change) = await lab.SendAsync(HttpMethod.Put, "/v2/apps/web", """{"instances": 2}""");
            Assert.Equal(200, scaled);
            Assert.NotEqual(version, change.GetProperty("version").GetString());
            (app, waiting) = await lab.WaitForWaitingAsync("/web", (a, _) => MarathonApps.Tasks(a).Count == 2 && Running(a) == 2, "scaled to 2");
            Assert.Null(waiting);
            Assert.Equal(version, app.GetProperty("versionInfo").GetProperty("lastConfigChangeAt").GetString());
            Assert.Equal(change.GetProperty("version").GetString(), app.GetProperty("versionInfo").GetProperty("lastScalingAt").GetString());
            Assert.All(MarathonApps.Tasks(app), t => Assert.Equal(version, t.GetProperty("version").GetString()));
            Assert.Empty((await lab.SendAsync(HttpMethod.Get, "/v2/deployments")).Body.EnumerateArray());
            Assert.Equal(2, (await lab.SendAsync(HttpMethod.Get, "/v2/apps/web/tasks")).Body.GetProperty("tasks").GetArrayLength());
            var kept = MarathonApps.Tasks(app).Select(t => t.GetProperty("id").GetString()).ToList();

            // Scale up again: one more instance on the free host, the running ones stay.
            Assert.Equal(200, (await lab.SendAsync(HttpMethod.Put, "/v2/apps/web", """{"instances": 3}""")).Status);
            app = await lab.WaitForAppAsync("/web", a => Running(a) == 3, "scaled up to 3");
            Assert.Subset(MarathonApps.Tasks(app).Select(t => t.GetProperty("id").GetString()).ToHashSet(), kept.ToHashSet());
            Assert.Equal(3, MarathonApps.Tasks(app).Select(t => t.GetProperty("host").GetString()).Distinct().Count());

            // Delete: the instances are killed.
            Assert.Equal(200, (await lab.SendAsync(HttpMethod.Delete, "/v2/apps/web")).Status);
            Assert.Equal(404, (await lab.SendAsync(HttpMethod.Get, "/v2/apps/web")).Status);
            await Eventually.TrueAsync(() => lab.Cluster.Master.Service.Tasks().All(t => t.State.IsTerminal()), "every instance has ended", MarathonApps.Patience);
            Assert.All(lab.Cluster.Master.Service.Tasks(), t => Assert.Equal("TASK_KILLED", t.State.ToWire()));
        }
        finally
        {
            lab.KillLeftovers();
        }
    }

    [Fact]
    public async Task AKilledInstanceIsReplacedAndRestartRollsEveryInstance()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 2);
        try
        {
            var (status, _) = await lab.SendAsync(HttpMethod.Post, "/v2/apps", $$"""
                {"id": "/team/api", "cmd": "{{lab.SleeperCmd}}", "cpus": 0.1, "mem": 16, "instances": 2,
                 "backoffSeconds": 0.2, "upgradeStrategy": {"minimumHealthCapacity": 0.5, "maximumOverCapacity": 0} }
                """);
            Assert.Equal(201, status);
            var app = await lab.WaitForAppAsync("/team/api", a => Running(a) == 2, "2 running");
            var first = MarathonApps.Tasks(app).Select(t => t.GetProperty("id").GetString()!).ToList();
            Assert.All(first, id => Assert.StartsWith("team_api.", id));

            // Kill one instance's process behind the agent's back: it fails and is replaced.
            var pidFile = Path.Combine(lab.Pids, first[0] + ".pid");
            await Eventually.TrueAsync(() => File.Exists(pidFile), $"{pidFile} is written", MarathonApps.Patience);
            Process.GetProcessById(int.Parse((await File.ReadAllTextAsync(pidFile)).Trim())).Kill();
            app = await lab.WaitForAppAsync("/team/api",
                a => Running(a) == 2 && !MarathonApps.Tasks(a).Any(t => t.GetProperty("id").GetString() == first[0]), "replacement running");
            Assert.Equal("TASK_FAILED", lab.Cluster.Master.Service.Task(first[0])!.State.ToWire());
            var second = MarathonApps.Tasks(app).Select(t => t.GetProperty("id").GetString()!).ToList();

            // Restart: a new version, and every instance is replaced by one of it.
            var (restarted, change) = await lab.SendAsync(HttpMethod.Post, "/v2/apps/team/api/restart");
            Assert.Equal(200, restarted);
            var version = change.GetProperty("version").GetString();
            Assert.NotEqual(app.GetProperty("version").GetString(), version);
            app = await lab.WaitForAppAsync("/team/api", a => Running(a) == 2 && MarathonApps.Tasks(a).Count == 2
                && MarathonApps.Tasks(a).All(t => t.GetProperty("version").GetString() == version), "restart rolled");
            Assert.Empty(MarathonApps.Tasks(app).Select(t => t.GetProperty("id").GetString()).Intersect(second));
        }
        finally
        {
            lab.KillLeftovers();
        }
    }

    [Fact]
    public async Task AnInstanceOnAStoppedAgentIsReplacedElsewhere()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        using var stopFirst = new CancellationTokenSource();
        await lab.Cluster.StartAgentAsync("agent1", lab.Cluster.Secret, "test", stop: stopFirst.Token, hostname: "pi1");
        try
        {
            Assert.Equal(201, (await lab.SendAsync(HttpMethod.Post, "/v2/apps",
                $$"""{"id": "/solo", "cmd": "{{lab.SleeperCmd}}", "cpus": 0.1, "mem": 16, "instances": 1, "unreachableStrategy": {"inactiveAfterSeconds": 0, "expungeAfterSeconds": 3600}, "killSelection": "OLDEST_FIRST"}""")).Status);
            var app = await lab.WaitForAppAsync("/solo", a => Running(a) == 1, "running on pi1");
            var first = MarathonApps.Tasks(app)[0].GetProperty("id").GetString()!;
            Assert.Equal(3600, app.GetProperty("unreachableStrategy").GetProperty("expungeAfterSeconds").GetInt64());
            Assert.Equal("OLDEST_FIRST", app.GetProperty("killSelection").GetString());
            await lab.Cluster.StartAgentAsync("agent2", lab.Cluster.Secret, "test", hostname: "pi2");
            await stopFirst.CancelAsync();
            // After the unreachable timeout its instance is UNREACHABLE and, with inactiveAfterSeconds 0, inactive at once: a new one starts on pi2.
            app = await lab.WaitForAppAsync("/solo", a => Running(a) == 1 && MarathonApps.Tasks(a).Any(t =>
                t.GetProperty("host").GetString() == "pi2" && t.GetProperty("state").GetString() == "TASK_RUNNING"), "replaced on pi2");
            Assert.NotEqual(first, MarathonApps.Tasks(app).Single(t => t.GetProperty("state").GetString() == "TASK_RUNNING").GetProperty("id").GetString());
            Assert.Equal("TASK_UNREACHABLE", lab.Cluster.Master.Service.Task(first)!.State.ToWire());
        }
        finally
        {
            lab.KillLeftovers();
        }
    }

    [Fact]
    public async Task AnAppThatKeepsFailingIsRelaunchedWithBackoffAndSaysSo()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 1);
        Assert.Equal(201, (await lab.SendAsync(HttpMethod.Post, "/v2/apps",
            """{"id": "/crash", "cmd": "exit 1", "cpus": 0.1, "mem": 16, "instances": 1, "backoffSeconds": 1, "backoffFactor": 2}""")).Status);
        var (app, waiting) = await lab.WaitForWaitingAsync("/crash", (_, w) => w?.StartsWith("launch delayed") == true, "launch delayed");
        Assert.Contains("failure", waiting);
        Assert.Equal("TASK_FAILED", (await lab.AppAsync("/crash")).GetProperty("lastTaskFailure").GetProperty("state").GetString());
        await Task.Delay(TimeSpan.FromSeconds(3)); // the scenario: how many launches a fixed window sees
        // Without backoff the loop would relaunch many times a second; with a 1 s delay there are at most a handful.
        var launched = lab.Cluster.Master.Service.Tasks().Count(t => t.Spec.AppId == "/crash");
        Assert.InRange(launched, 2, 6);
        Assert.All(lab.Cluster.Master.Service.Tasks().Where(t => t.State.IsTerminal()), t => Assert.Equal("TASK_FAILED", t.State.ToWire()));
    }

    [Theory]
    [InlineData("""{"id": "/bad", "cmd": "true", "cpus": "lots"}""", "cpus")]
    [InlineData("""{"id": "/bad", "cmd": "true", "constraints": [["hostname", "UNIQ"]]}""", "constraints[0][1]")]
    [InlineData("""{"id": "/bad", "cmd": "true", "args": ["x"]}""", "args")]
    [InlineData("""{"id": "/Bad_Id", "cmd": "true"}""", "id")]
    [InlineData("""{"id": "/bad", "cmd": "true", "env": {"A": 1}}""", "env.A")]
    [InlineData("""{"id": "/bad", "cmd": "true", "upgradeStrategy": {"minimumHealthCapacity": 2}}""", "upgradeStrategy.minimumHealthCapacity")]
    public async Task InvalidAppsAreRefusedNamingTheFieldAndNothingIsApplied(string json, string field)
    {
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        var (status, body) = await lab.SendAsync(HttpMethod.Post, "/v2/apps", json);
        Assert.Equal(422, status);
        Assert.Equal(MiniMesos.Net.Http.MarathonResults.Path(field), body.GetProperty("details")[0].GetProperty("path").GetString());
        Assert.Contains(field, body.GetProperty("message").GetString());
        Assert.Empty((await lab.SendAsync(HttpMethod.Get, "/v2/apps")).Body.GetProperty("apps").EnumerateArray());
        Assert.Empty(lab.Cluster.Master.Service.Apps());
    }

    [Fact]
    public async Task InfoAndConflictAndUnknownApps()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        var info = (await lab.SendAsync(HttpMethod.Get, "/v2/info")).Body;
        Assert.Equal("minimesos", info.GetProperty("name").GetString());
        Assert.True(info.GetProperty("elected").GetBoolean());
        Assert.Equal(201, (await lab.SendAsync(HttpMethod.Post, "/v2/apps", """{"id": "idle", "cmd": "sleep 1", "instances": 0}""")).Status);
        Assert.Equal(409, (await lab.SendAsync(HttpMethod.Post, "/v2/apps", """{"id": "/idle", "cmd": "sleep 1"}""")).Status);
        Assert.Equal(404, (await lab.SendAsync(HttpMethod.Get, "/v2/apps/nope")).Status);
        Assert.Equal(404, (await lab.SendAsync(HttpMethod.Delete, "/v2/apps/nope")).Status);
        Assert.Equal(404, (await lab.SendAsync(HttpMethod.Post, "/v2/apps/nope/restart")).Status);
        Assert.Equal(0, (await lab.AppAsync("/idle")).GetProperty("instances").GetInt32());
    }
}
