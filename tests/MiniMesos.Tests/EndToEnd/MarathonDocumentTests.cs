using System.Text.Json;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// App definitions written the way Marathon's REST documentation shows them, posted to /v2/apps: what MiniMesos
/// implements is stored, what it does not is listed in unsupportedFields, and invalid values name their field.
/// </summary>
[Trait("Category", "Slow")]
public sealed class MarathonDocumentTests
{
    /// <summary>A full definition in the shape of Marathon's "POST /v2/apps" example.</summary>
    private const string FullExample = """
        {
          "id": "/product/service/my-app",
          "cmd": "env && sleep 300",
          "args": null,
          "cpus": 0.25,
          "mem": 64,
          "disk": 128,
          "instances": 2,
          "constraints": [["hostname", "UNIQUE"], ["rack", "LIKE", "r[12]"], ["hostname", "UNLIKE", "pi9"]],
          "env": {"LD_LIBRARY_PATH": "/usr/local/lib/myLib", "MODE": "production"},
          "labels": {"environment": "staging", "team": "edge"},
          "portDefinitions": [
            {"port": 0, "protocol": "tcp", "name": "http", "labels": {"vip": "192.168.0.1:80"}},
            {"port": 0, "protocol": "tcp", "name": "admin"}
          ],
          "requirePorts": false,
          "backoffSeconds": 1,
          "backoffFactor": 1.15,
          "maxLaunchDelaySeconds": 300,
          "healthChecks": [
            {"protocol": "HTTP", "path": "/health", "portIndex": 0, "gracePeriodSeconds": 300, "intervalSeconds": 60,
             "timeoutSeconds": 20, "maxConsecutiveFailures": 3, "ignoreHttp1xx": false},
            {"protocol": "TCP", "portIndex": 1, "gracePeriodSeconds": 300, "intervalSeconds": 60, "timeoutSeconds": 20,
             "maxConsecutiveFailures": 0},
            {"protocol": "COMMAND", "command": {"value": "test -f /tmp/ready"}, "gracePeriodSeconds": 60, "intervalSeconds": 30,
             "timeoutSeconds": 10, "maxConsecutiveFailures": 3}
          ],
          "upgradeStrategy": {"minimumHealthCapacity": 0.5, "maximumOverCapacity": 0.2},
          "fetch": [{"uri": "https://example.com/app/cool-script.sh", "extract": false, "executable": true, "cache": false}],
          "dependencies": ["/product/db/mongo"],
          "acceptedResourceRoles": ["*"],
          "executor": "",
          "killSelection": "YOUNGEST_FIRST",
          "unreachableStrategy": {"inactiveAfterSeconds": 0, "expungeAfterSeconds": 0}
        }
        """;

    [Fact]
    public async Task TheDocumentedFullExampleIsAcceptedAndEveryIgnoredFieldIsReported()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        using var response = await lab.Http.PostAsync("/v2/apps", new StringContent(FullExample, System.Text.Encoding.UTF8, "application/json"));
        Assert.True((int)response.StatusCode == 201, await response.Content.ReadAsStringAsync());
        // What is ignored travels in headers: inside the app object it would break clients that map fields to constructor arguments.
        Assert.Equal(["acceptedResourceRoles", "dependencies"],
            response.Headers.GetValues("X-MiniMesos-Unsupported-Fields").Single().Split(',').Order());
        Assert.DoesNotContain(response.Headers.GetValues("X-MiniMesos-Warnings"), w => w.StartsWith("fetch:", StringComparison.Ordinal));
        var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(created.TryGetProperty("warnings", out _));
        Assert.False(created.TryGetProperty("unsupportedFields", out _));

        var app = await lab.AppAsync("/product/service/my-app");
        Assert.Equal(0.25, app.GetProperty("cpus").GetDouble());
        Assert.Equal(64, app.GetProperty("mem").GetDouble());
        Assert.Equal(2, app.GetProperty("instances").GetInt32());
        Assert.Equal("production", app.GetProperty("env").GetProperty("MODE").GetString());
        Assert.Equal("edge", app.GetProperty("labels").GetProperty("team").GetString());
        var fetch = app.GetProperty("fetch")[0];
        Assert.Equal(("https://example.com/app/cool-script.sh", false, true, false),
            (fetch.GetProperty("uri").GetString(), fetch.GetProperty("extract").GetBoolean(), fetch.GetProperty("executable").GetBoolean(), fetch.GetProperty("cache").GetBoolean()));
        Assert.Equal(3, app.GetProperty("constraints").GetArrayLength());
        Assert.Equal(["HTTP", "TCP", "COMMAND"], app.GetProperty("healthChecks").EnumerateArray().Select(h => h.GetProperty("protocol").GetString()));
        Assert.Equal(0.5, app.GetProperty("upgradeStrategy").GetProperty("minimumHealthCapacity").GetDouble());
        Assert.Equal(2, app.GetProperty("portDefinitions").GetArrayLength());
        // No agent: the instances wait, and the app says why.
        Assert.Equal(0, app.GetProperty("tasksRunning").GetInt32());
    }

    [Fact]
    public async Task PutOfADocumentedPartialBodyChangesOnlyThoseFields()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        Assert.Equal(201, (await lab.SendAsync(HttpMethod.Post, "/v2/apps", FullExample)).Status);
        var (status, body) = await lab.SendAsync(HttpMethod.Put, "/v2/apps/product/service/my-app", """{"instances": 5, "labels": {"team": "core"}}""");
        Assert.True(status is 200 or 201, body.ToString());
        var app = await lab.AppAsync("/product/service/my-app");
        Assert.Equal(5, app.GetProperty("instances").GetInt32());
        Assert.Equal("core", app.GetProperty("labels").GetProperty("team").GetString());
        Assert.Equal(0.25, app.GetProperty("cpus").GetDouble());
        Assert.Equal(3, app.GetProperty("healthChecks").GetArrayLength());
    }

    [Theory]
    [InlineData("\"mem\": \"64MB\"", "mem")]
    [InlineData("\"instances\": -1", "instances")]
    [InlineData("\"constraints\": [[\"hostname\", \"UNIQUE\"], [\"rack\", \"LIKE\"]]", "constraints[1]")]
    [InlineData("\"constraints\": [\"rack:GROUP_BY:many\"]", "constraints[0][2]")]
    [InlineData("\"healthChecks\": [{\"protocol\": \"HTTPS\", \"portIndex\": 0}]", "healthChecks[0].protocol")]
    [InlineData("\"healthChecks\": [{\"protocol\": \"HTTP\", \"portIndex\": 3}]", "healthChecks[0].portIndex")]
    [InlineData("\"healthChecks\": [{\"protocol\": \"COMMAND\"}]", "healthChecks[0].command")]
    [InlineData("\"container\": {\"type\": \"DOCKER\", \"docker\": {\"image\": \"group/image\", \"network\": \"BRIDGE\", \"portMappings\": [{\"containerPort\": 80}]}}", "container.docker.network")]
    [InlineData("\"upgradeStrategy\": {\"maximumOverCapacity\": 1.5}", "upgradeStrategy.maximumOverCapacity")]
    [InlineData("\"portDefinitions\": [{\"port\": \"http\"}]", "portDefinitions[0]")]
    [InlineData("\"labels\": {\"team\": 7}", "labels.team")]
    [InlineData("\"backoffFactor\": 0.5", "backoffFactor")]
    [InlineData("\"unreachableStrategy\": {\"inactiveAfterSeconds\": 60, \"expungeAfterSeconds\": 30}", "unreachableStrategy.expungeAfterSeconds")]
    [InlineData("\"unreachableStrategy\": \"sometimes\"", "unreachableStrategy")]
    [InlineData("\"unreachableStrategy\": {\"inactiveAfter\": 1}", "unreachableStrategy.inactiveAfter")]
    [InlineData("\"killSelection\": \"RANDOM\"", "killSelection")]
    public async Task ADocumentedFieldWithABadValueIsRefusedNamingIt(string field, string path)
    {
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        // One port unless the case is about portDefinitions itself (health checks by portIndex need one).
        var ports = field.StartsWith("\"portDefinitions\"", StringComparison.Ordinal) ? "" : "\"portDefinitions\": [{\"port\": 0}], ";
        var json = $$"""{"id": "/product/service/my-app", "cmd": "sleep 300", "cpus": 0.1, "mem": 32, {{ports}}{{field}}}""";
        var (status, body) = await lab.SendAsync(HttpMethod.Post, "/v2/apps", json);
        Assert.True(status == 422, body.ToString());
        Assert.Equal(MiniMesos.Net.Http.MarathonResults.Path(path), body.GetProperty("details")[0].GetProperty("path").GetString());
        Assert.Contains(path, body.GetProperty("message").GetString());
        Assert.Empty(lab.Cluster.Master.Service.Apps());
    }

    [Fact]
    public async Task MarathonsFieldColonOperatorStringConstraintsAreAccepted()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        var (status, body) = await lab.SendAsync(HttpMethod.Post, "/v2/apps",
            """{"id": "/c", "cmd": "sleep 1", "instances": 0, "constraints": ["hostname:UNIQUE", "rack:LIKE:r1"]}""");
        Assert.True(status == 201, body.ToString());
        var constraints = (await lab.AppAsync("/c")).GetProperty("constraints");
        Assert.Equal(JsonValueKind.Array, constraints[1].ValueKind);
        Assert.Equal("LIKE", constraints[1][1].GetString());
    }
}
