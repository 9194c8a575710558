using System.Net.Http;
using System.Text.Json;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// Marathon's rollbacks: PUT /v2/apps/ID {"version": V} puts a listed version back as a new change; DELETE
/// /v2/deployments/ID without force reverts the deployment (a creation is undone by deleting the app, a config change
/// goes back to the version it replaced, a scale to the instances running now); force=true only stops it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class MarathonRollbackTests
{
    private static string Deployment(JsonElement change) => change.GetProperty("deploymentId").GetString()!;

    private static async Task<List<string>> DeploymentIdsAsync(MarathonApps apps) =>
        (await apps.SendAsync(HttpMethod.Get, "/v2/deployments")).Body.EnumerateArray().Select(d => d.GetProperty("id").GetString()!).ToList();

    [Fact]
    public async Task PutWithAVersionRollsBackToIt()
    {
        await using var apps = await MarathonApps.StartAsync(agents: 0);
        var (_, first) = await apps.SendAsync(HttpMethod.Post, "/v2/apps", """{"id": "/rb", "cmd": "sleep 1", "instances": 0, "cpus": 0.1, "mem": 16, "labels": {"v": "1"}}""");
        var v1 = first.GetProperty("version").GetString()!;
        await apps.SendAsync(HttpMethod.Put, "/v2/apps/rb", """{"cmd": "sleep 2", "labels": {"v": "2"}}""");

        var (status, change) = await apps.SendAsync(HttpMethod.Put, "/v2/apps/rb", $$"""{"version": "{{v1}}"}""");
        Assert.Equal(200, status);
        var v3 = change.GetProperty("version").GetString()!;
        Assert.NotEqual(v1, v3);
        Assert.False(string.IsNullOrEmpty(Deployment(change)));
        var app = await apps.AppAsync("/rb");
        Assert.Equal("sleep 1", app.GetProperty("cmd").GetString());
        Assert.Equal("1", app.GetProperty("labels").GetProperty("v").GetString());
        Assert.Equal(v3, app.GetProperty("version").GetString());
        Assert.Equal(v3, (await apps.SendAsync(HttpMethod.Get, "/v2/apps/rb/versions")).Body.GetProperty("versions")[0].GetString());

        // The version it already is, with the id (Marathon allows "id" beside "version"): no change, no deployment.
        (status, change) = await apps.SendAsync(HttpMethod.Put, "/v2/apps/rb", $$"""{"id": "/rb", "version": "{{v3}}"}""");
        Assert.Equal(200, status);
        Assert.Equal(v3, change.GetProperty("version").GetString());
        Assert.False(change.TryGetProperty("deploymentId", out _));

        // Unknown versions and apps: 404 in Marathon's words; a version that is no string: 422 naming it.
        (status, var error) = await apps.SendAsync(HttpMethod.Put, "/v2/apps/rb", """{"version": "2001-01-01T00:00:00.000Z"}""");
        Assert.Equal(404, status);
        Assert.Equal("App '/rb' does not exist in version 2001-01-01T00:00:00.000Z", error.GetProperty("message").GetString());
        Assert.Equal(404, (await apps.SendAsync(HttpMethod.Put, "/v2/apps/nope", $$"""{"version": "{{v1}}"}""")).Status);
        (status, error) = await apps.SendAsync(HttpMethod.Put, "/v2/apps/rb", """{"version": 5}""");
        Assert.Equal(422, status);
        Assert.Equal("/version", error.GetProperty("details")[0].GetProperty("path").GetString());
        Assert.Equal("sleep 1", (await apps.AppAsync("/rb")).GetProperty("cmd").GetString());
    }

    [Fact]
    public async Task DeletingADeploymentWithoutForceRevertsIt()
    {
        // No agent: every deployment of an app with instances stays in flight.
        await using var apps = await MarathonApps.StartAsync(agents: 0);
        var (_, created) = await apps.SendAsync(HttpMethod.Post, "/v2/apps", """{"id": "/dep", "cmd": "sleep 1", "instances": 1, "cpus": 0.1, "mem": 16}""");
        var creation = (await DeploymentIdsAsync(apps)).Single();
        var (status, change) = await apps.SendAsync(HttpMethod.Delete, $"/v2/deployments/{creation}");
        Assert.Equal(200, status);
        Assert.False(string.IsNullOrEmpty(Deployment(change)));
        Assert.Equal(404, (await apps.SendAsync(HttpMethod.Get, "/v2/apps/dep")).Status); // reverting a creation deletes the app

        var (recreated, body) = await apps.SendAsync(HttpMethod.Post, "/v2/apps", """{"id": "/dep", "cmd": "sleep 1", "instances": 1, "cpus": 0.1, "mem": 16}""");
        Assert.True(recreated == 201, $"POST after the revert: {recreated} {body}");
        (status, change) = await apps.SendAsync(HttpMethod.Put, "/v2/apps/dep", """{"cmd": "sleep 2", "instances": 2}""");
        Assert.True(status == 200, $"PUT: {status} {change}");
        Assert.Single((await apps.SendAsync(HttpMethod.Get, "/v2/apps/dep/versions")).Body.GetProperty("versions").EnumerateArray().Skip(1));
        Assert.Equal([Deployment(change)], await DeploymentIdsAsync(apps));
        (status, change) = await apps.SendAsync(HttpMethod.Delete, $"/v2/deployments/{Deployment(change)}");
        Assert.Equal(200, status);
        var app = await apps.AppAsync("/dep");
        Assert.Equal("sleep 1", app.GetProperty("cmd").GetString());
        Assert.Equal(1, app.GetProperty("instances").GetInt32());
        Assert.Equal(change.GetProperty("version").GetString(), app.GetProperty("version").GetString());
        Assert.Equal([Deployment(change)], await DeploymentIdsAsync(apps)); // the revert is a deployment of its own

        // A scale goes back to the instances of its version running now (none here), which ends the deployment.
        (_, change) = await apps.SendAsync(HttpMethod.Put, "/v2/apps/dep", """{"instances": 3}""");
        (status, _) = await apps.SendAsync(HttpMethod.Delete, $"/v2/deployments/{Deployment(change)}");
        Assert.Equal(200, status);
        Assert.Equal(0, (await apps.AppAsync("/dep")).GetProperty("instances").GetInt32());
        Assert.Empty(await DeploymentIdsAsync(apps));

        // force=true only stops: 202, the definition stays.
        (_, change) = await apps.SendAsync(HttpMethod.Put, "/v2/apps/dep", """{"cmd": "sleep 3", "instances": 1}""");
        Assert.Equal(202, (await apps.SendAsync(HttpMethod.Delete, $"/v2/deployments/{Deployment(change)}?force=true")).Status);
        Assert.Equal("sleep 3", (await apps.AppAsync("/dep")).GetProperty("cmd").GetString());
        Assert.Equal(404, (await apps.SendAsync(HttpMethod.Delete, "/v2/deployments/00000000-0000-0000-0000-000000000000")).Status);
    }

    [Fact]
    public async Task ARevertedDeploymentRunsTheFormerDefinitionAgain()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 1);
        try
        {
            await lab.SendAsync(HttpMethod.Post, "/v2/apps", $$"""{"id": "/back", "cmd": "{{lab.SleeperCmd}}", "instances": 1, "cpus": 0.1, "mem": 16}""");
            await lab.WaitForAppAsync("/back", a => a.GetProperty("tasksRunning").GetInt32() == 1, "v1 running");
            // A version that cannot be placed (no agent is named so): its deployment never ends, the v1 instance stays.
            var (_, change) = await lab.SendAsync(HttpMethod.Put, "/v2/apps/back", """{"constraints": [["hostname", "LIKE", "nowhere"]]}""");
            var stuck = Deployment(change);
            await lab.WaitForWaitingAsync("/back", (_, w) => w is not null, "the new version waits for an agent");
            Assert.Contains(stuck, await DeploymentIdsAsync(lab));

            var (status, revert) = await lab.SendAsync(HttpMethod.Delete, $"/v2/deployments/{stuck}");
            Assert.Equal(200, status);
            var version = revert.GetProperty("version").GetString();
            var app = await lab.WaitForAppAsync("/back", a => a.GetProperty("tasksRunning").GetInt32() == 1
                && MarathonApps.Tasks(a).All(t => t.GetProperty("version").GetString() == version), "the reverted definition running");
            Assert.Empty(app.GetProperty("constraints").EnumerateArray());
            await Eventually.TrueAsync(async () => (await DeploymentIdsAsync(lab)).Count == 0, "the revert's deployment ended", MarathonApps.Patience);
        }
        finally
        {
            lab.KillLeftovers();
        }
    }
}
