using System.Text;
using MiniMesos.Tests.EndToEnd;
using Xunit;

namespace MiniMesos.Tests.Marathon;

/// <summary>
/// A Marathon client's view of /v2: the strict models of <see cref="MarathonSchema"/> must first read Marathon's own
/// published examples (Fixtures/, from Marathon's docs), then every answer MiniMesos gives, with Marathon's time format.
/// </summary>
[Trait("Category", "Slow")]
public sealed class MarathonConformanceTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Marathon", "Fixtures", name));

    [Fact]
    public void TheStrictModelsReadMarathonsOwnExamples()
    {
        MarathonSchema.Read<App>(Fixture("app.json"));
        foreach (var app in MarathonSchema.Read<AppList>(Fixture("app_list.json")).Apps) MarathonSchema.AssertTimes(app);
        foreach (var t in MarathonSchema.Read<TaskList>(Fixture("app_tasks.json")).Tasks) MarathonSchema.AssertTimes(t);
        foreach (var t in MarathonSchema.Read<TaskList>(Fixture("tasks.json")).Tasks) MarathonSchema.AssertTimes(t);
        Assert.Equal("localhost:8080", MarathonSchema.Read<Info>(Fixture("info.json")).Leader);
        Assert.Equal("/", MarathonSchema.Read<Group>(Fixture("group.json")).Id);
        // And they are strict: a field Marathon does not define fails.
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => MarathonSchema.Read<App>("""{"id": "/a", "waiting": "why"}"""));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => MarathonSchema.Read<MarathonTask>("""{"id": "a", "appId": "/a", "host": "h", "state": "TASK_RUNNING"}"""));
    }

    [Fact]
    public async Task EveryAnswerReadsAsMarathonsTypes()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 1);
        try
        {
            var http = lab.Http;
            async Task<T> Get<T>(string path, int status = 200)
            {
                using var response = await http.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True((int)response.StatusCode == status, $"GET {path}: {(int)response.StatusCode} {body}");
                return MarathonSchema.Read<T>(body);
            }
            async Task<T> Send<T>(HttpMethod method, string path, string? json, int status)
            {
                using var request = new HttpRequestMessage(method, path);
                if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True((int)response.StatusCode == status, $"{method} {path}: {(int)response.StatusCode} {body}");
                return MarathonSchema.Read<T>(body);
            }

            // A definition in the shape of Marathon's app_list.json example (without its Docker container).
            var created = await Send<App>(HttpMethod.Post, "/v2/apps", $$$"""
                {"id": "/conf/web", "cmd": "{{{lab.SleeperCmd}}}", "cpus": 0.1, "mem": 16, "disk": 0, "instances": 2,
                 "constraints": [["hostname", "LIKE", ".*"]], "env": {"LD_LIBRARY_PATH": "/usr/local/lib/myLib"}, "executor": "",
                 "backoffFactor": 1.15, "backoffSeconds": 1, "maxLaunchDelaySeconds": 3600, "ports": [0], "uris": [],
                 "upgradeStrategy": {"minimumHealthCapacity": 0.5, "maximumOverCapacity": 0.5}}
                """, 201);
            MarathonSchema.AssertTimes(created);
            await lab.WaitForAppAsync("/conf/web", a => a.GetProperty("tasksRunning").GetInt32() == 2, "2 running");

            var single = await Get<AppEnvelope>("/v2/apps/conf/web");
            MarathonSchema.AssertTimes(single.App);
            Assert.Equal(2, single.App.Tasks!.Count);
            Assert.All(single.App.Tasks, t => Assert.NotNull(t.StartedAt));
            foreach (var embed in new[] { "apps.tasks", "apps.counts", "apps.deployments", "apps.lastTaskFailure", "apps.failures", "apps.taskStats", "apps.readiness" })
                foreach (var a in (await Get<AppList>($"/v2/apps?embed={embed}")).Apps) MarathonSchema.AssertTimes(a);
            Assert.Equal(2, (await Get<AppList>("/v2/apps?embed=apps.tasks")).Apps.Single().Tasks!.Count);
            Assert.Null((await Get<AppList>("/v2/apps")).Apps.Single().Tasks);
            Assert.Empty((await Get<AppList>("/v2/apps?cmd=no-such-command")).Apps);
            Assert.Single((await Get<AppList>("/v2/apps?id=conf")).Apps);
            foreach (var t in (await Get<TaskList>("/v2/tasks")).Tasks) MarathonSchema.AssertTimes(t);
            foreach (var t in (await Get<TaskList>("/v2/apps/conf/web/tasks")).Tasks) MarathonSchema.AssertTimes(t);
            Assert.Equal("/conf/web", (await Get<Group>("/v2/groups")).Groups!.Single().Apps!.Single().Id);
            Assert.Equal("/conf", (await Get<Group>("/v2/groups/conf")).Id);
            await Get<Error>("/v2/groups/nope", 404);
            Assert.Contains(":", (await Get<Info>("/v2/info")).Leader);
            Assert.Contains(":", (await Get<Leader>("/v2/leader")).Value);
            var versions = await Get<VersionList>("/v2/apps/conf/web/versions");
            Assert.All(versions.Versions, v => MarathonSchema.AssertTime(v, "versions[]"));
            MarathonSchema.AssertTimes(await Get<App>($"/v2/apps/conf/web/versions/{versions.Versions[0]}"));
            Assert.Equal("App '/conf/web/nope' does not exist", (await Get<Error>("/v2/apps/conf/web/nope", 404)).Message);

            // Errors: every bad field, Marathon's paths.
            var invalid = await Send<Error>(HttpMethod.Post, "/v2/apps", """{"id": "/Bad", "cpus": "x", "mem": -1, "healthChecks": [{"protocol": "GOPHER"}]}""", 422);
            Assert.Equal(["/cmd", "/cpus", "/healthChecks(0)/protocol", "/id", "/mem"], invalid.Details!.Select(d => d.Path).Order());
            await Send<Error>(HttpMethod.Post, "/v2/apps", "{\"id\": ", 400);

            // A scale keeps lastConfigChangeAt and moves version and lastScalingAt; a no-op answers no deployment.
            var scale = await Send<DeploymentResult>(HttpMethod.Put, "/v2/apps/conf/web", """{"instances": 3}""", 200);
            var scaled = (await Get<AppEnvelope>("/v2/apps/conf/web")).App;
            Assert.Equal(scale.Version, scaled.Version);
            Assert.Equal(scale.Version, scaled.VersionInfo!.LastScalingAt);
            Assert.Equal(created.Version, scaled.VersionInfo.LastConfigChangeAt);
            var second = await Send<DeploymentResult>(HttpMethod.Put, "/v2/apps/conf/web", """{"instances": 2}""", 200);
            Assert.NotEqual(scale.DeploymentId, second.DeploymentId);
            using (var noop = await http.PutAsync("/v2/apps/conf/web", new StringContent("""{"instances": 2}""", Encoding.UTF8, "application/json")))
                Assert.DoesNotContain("deploymentId", await noop.Content.ReadAsStringAsync());
            await lab.WaitForAppAsync("/conf/web", a => a.GetProperty("tasks").GetArrayLength() == 2 && a.GetProperty("tasksRunning").GetInt32() == 2, "back to 2");

            // Kill one task and scale down in one step: the other instance stays, nothing replaces the killed one.
            var tasks = (await Get<TaskList>("/v2/apps/conf/web/tasks")).Tasks;
            var known = lab.Cluster.Master.Service.Tasks().Select(t => t.Id).ToHashSet();
            await Send<DeploymentResult>(HttpMethod.Delete, $"/v2/apps/conf/web/tasks/{tasks[0].Id}?scale=true", null, 200);
            var after = await lab.WaitForAppAsync("/conf/web", a => a.GetProperty("tasks").GetArrayLength() == 1, "killed and scaled");
            Assert.Equal(1, after.GetProperty("instances").GetInt32());
            Assert.Equal(tasks[1].Id, after.GetProperty("tasks")[0].GetProperty("id").GetString());
            Assert.Subset(known, lab.Cluster.Master.Service.Tasks().Select(t => t.Id).ToHashSet());

            // Rollbacks answer Marathon's DeploymentResult: PUT {"version"} back to the created definition, and DELETE of a
            // deployment that cannot end (no agent is named so) reverts it; an unknown version is Marathon's 404.
            var changed = await Send<DeploymentResult>(HttpMethod.Put, "/v2/apps/conf/web", """{"env": {"LD_LIBRARY_PATH": "/opt/lib"}}""", 200);
            var rolled = await Send<DeploymentResult>(HttpMethod.Put, "/v2/apps/conf/web", $$"""{"version": "{{created.Version}}"}""", 200);
            Assert.NotEqual(changed.DeploymentId, rolled.DeploymentId);
            Assert.Equal("/usr/local/lib/myLib", (await Get<AppEnvelope>("/v2/apps/conf/web")).App.Env!["LD_LIBRARY_PATH"].GetString());
            await Send<Error>(HttpMethod.Put, "/v2/apps/conf/web", """{"version": "2001-01-01T00:00:00.000Z"}""", 404);
            var stuck = await Send<DeploymentResult>(HttpMethod.Put, "/v2/apps/conf/web", """{"constraints": [["hostname", "LIKE", "nowhere"]]}""", 200);
            var reverted = await Send<DeploymentResult>(HttpMethod.Delete, $"/v2/deployments/{stuck.DeploymentId}", null, 200);
            Assert.NotEqual(stuck.DeploymentId, reverted.DeploymentId);
            await lab.WaitForAppAsync("/conf/web", a => a.GetProperty("constraints")[0][2].GetString() == ".*"
                && a.GetProperty("tasksRunning").GetInt32() == 1 && a.GetProperty("deployments").GetArrayLength() == 0, "the stuck deployment reverted");

            // HEAD on reads, and DC/OS' token= header.
            using (var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v2/apps/conf/web")))
                Assert.Equal(200, (int)head.StatusCode);
            using (var tokenRequest = new HttpRequestMessage(HttpMethod.Get, "/v2/info"))
            {
                tokenRequest.Headers.TryAddWithoutValidation("Authorization", "token=" + lab.Cluster.Secret.Token);
                using var plain = new HttpClient(MiniMesos.Tests.EndToEnd.TestTls.Handler()) { BaseAddress = http.BaseAddress };
                using var tokenResponse = await plain.SendAsync(tokenRequest);
                Assert.Equal(200, (int)tokenResponse.StatusCode);
            }
        }
        finally
        {
            lab.KillLeftovers();
        }
    }
}
