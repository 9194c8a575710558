using System.Text;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Net.Http;
using Xunit;

namespace MiniMesos.Tests.Apps;

public sealed class MarathonAppParserTests
{
    private static MarathonParse Parse(string json, AppSpec? existing = null, string? pathId = null) =>
        MarathonAppParser.Parse(Encoding.UTF8.GetBytes(json), existing, pathId);

    [Fact]
    public void ReadsMarathonsDocumentedShape()
    {
        var parse = Parse("""
            {
              "id": "basic-0", "cmd": "while [ true ] ; do echo 'Hello Marathon' ; sleep 5 ; done",
              "cpus": 0.1, "mem": 10.0, "instances": 1,
              "constraints": [["hostname", "UNIQUE"], "rack:GROUP_BY:2"],
              "portDefinitions": [{"port": 0}, {"port": 0}],
              "healthChecks": [{"protocol": "COMMAND", "command": {"value": "true"}, "gracePeriodSeconds": 5, "intervalSeconds": 10,
                                "timeoutSeconds": 2, "maxConsecutiveFailures": 3}],
              "upgradeStrategy": {"minimumHealthCapacity": 0.5, "maximumOverCapacity": 0.2},
              "version": "2015-01-01T00:00:00.000Z", "tasksRunning": 1
            }
            """);
        Assert.Empty(parse.Errors);
        var app = parse.App!;
        Assert.Equal("/basic-0", app.Id);
        Assert.Equal(2, app.Ports);
        Assert.Equal(["rack", "GROUP_BY", "2"], app.Constraints![1]);
        Assert.Equal("true", app.HealthChecks![0].Command);
        Assert.Equal(new UpgradeStrategy(0.5, 0.2), app.UpgradeStrategy);
        Assert.Empty(parse.UnsupportedFields); // version and tasksRunning are read-only fields a client may echo back
        Assert.Empty(parse.Warnings); // health checks are probed: nothing to warn about
    }

    [Fact]
    public void FieldsOverrideTheExistingSpecSoInstancesAloneScales()
    {
        var existing = new AppSpec("/web", Cmd: "serve", Cpus: 0.5, Instances: 2, Version: "v1");
        var parse = Parse("""{"instances": 5}""", existing, "web");
        Assert.Equal(existing with { Instances = 5 }, parse.App);
    }

    [Theory]
    [InlineData("""{"cmd": "x"}""", "id", "is required")]
    [InlineData("""{"id": "/a", "cmd": "x", "instances": 1.5}""", "instances", "whole number")]
    [InlineData("""{"id": "/a", "cmd": "x", "labels": {"k": []}}""", "labels.k", "must be a string")]
    [InlineData("""{"id": "/a", "cmd": "x", "constraints": [["hostname", 1]]}""", "constraints[0][1]", "must be a string")]
    [InlineData("""{"id": "/a", "cmd": "x", "healthChecks": [{"protocol": "HTTP", "portIndex": 0}]}""", "healthChecks[0].portIndex", "port")]
    [InlineData("""{"id": "/a", "cmd": "x", "ports": [-1]}""", "ports[0]", "port number")]
    [InlineData("""{"id": "/a", "cmd": "x", "cpus": 1e-320}""", "cpus", "between 0.001 and 1024")]
    [InlineData("""{"id": "/a", "cmd": "x", "container": {"type": "DOCKER", "docker": {"image": "nginx", "portMappings": [{"containerPort": 80}]}}}""", "container.docker.portMappings", "not supported")]
    [InlineData("""{"id": "/a", "container": {"type": "DOCKER", "portMappings": [{"containerPort": 80}], "docker": {"image": "nginx"}}}""", "container.portMappings", "bridge")]
    [InlineData("""{"id": "/a", "container": {"type": "DOCKER", "docker": {"image": "nginx", "network": "BRIDGE"}}}""", "container.docker.network", "BRIDGE")]
    [InlineData("""{"id": "/a", "container": {"type": "DOCKER", "docker": {"image": "Nginx"}}}""", "container.docker.image", "Nginx")]
    [InlineData("""{"id": "/a", "container": {"type": "RKT", "docker": {"image": "nginx"}}}""", "container.type", "RKT")]
    [InlineData("""{"id": "/a", "container": {"type": "DOCKER", "docker": {}}}""", "container.docker.image", "required")]
    [InlineData("""{"id": "/a", "container": {"type": "DOCKER", "volumes": [{"containerPath": "/d"}], "docker": {"image": "nginx"}}}""", "container.volumes", "not supported")]
    public void ErrorsNameTheFieldPath(string json, string field, string reason)
    {
        var parse = Parse(json);
        Assert.Null(parse.App);
        Assert.Equal(field, parse.Errors[0].Path);
        Assert.Contains(reason, parse.Errors[0].Reason);
    }

    [Fact]
    public void ADockerContainerBecomesTheAppsImageWithItsStyleAndNoCommandIsNeeded()
    {
        var docker = Parse("""{"id": "/web", "container": {"type": "DOCKER", "docker": {"image": "nginx:1.27", "forcePullImage": true, "parameters": []}}}""");
        Assert.Empty(docker.Errors);
        Assert.Equal(new MiniMesos.Core.Model.TaskImage("nginx:1.27", MiniMesos.Core.Images.ImageCommandStyle.Docker, ForcePull: true), docker.App!.Container);
        var mesos = Parse("""{"id": "/web", "args": ["-g"], "container": {"type": "MESOS", "docker": {"image": "oci:/srv/img:1"}}}""");
        Assert.Equal(MiniMesos.Core.Images.ImageCommandStyle.Mesos, mesos.App!.Container!.Style);
        Assert.Null(Parse("""{"id": "/web", "container": {"type": "DOCKER"}}""").App);
    }

    [Fact]
    public void EveryBadFieldIsListedNotOnlyTheFirst()
    {
        var parse = Parse("""{"id": "/Bad_Id", "cmd": "x", "cpus": "many", "mem": -1, "instances": 1.5, "healthChecks": [{"protocol": "GOPHER"}]}""");
        Assert.Equal(["cpus", "healthChecks[0].protocol", "id", "instances", "mem"], parse.Errors.Select(e => e.Path).Order());
    }

    [Theory]
    [InlineData("""[1]""")]
    [InlineData("""{"id": """)]
    public void ABodyThatIsNoJsonObjectIsABadRequestNotAFieldError(string json)
    {
        var parse = Parse(json);
        Assert.Null(parse.App);
        Assert.StartsWith("Invalid JSON", parse.BodyError);
    }

    [Fact]
    public void InvalidUtf8IsABadBodyNotACrash()
    {
        var body = Encoding.UTF8.GetBytes("""{"id": "/a", "cmd": "X"}""");
        body[Array.IndexOf(body, (byte)'X')] = 0xFF;
        Assert.NotNull(MarathonAppParser.Parse(body, null, null).BodyError);
    }

    [Fact]
    public void AnIdTooLongForTaskIdsIsRefused()
    {
        var parse = Parse($$"""{"id": "/{{new string('a', 128)}}", "cmd": "x"}""");
        Assert.Equal("id", parse.Errors.Single().Path);
    }

    [Fact]
    public void AHealthCheckTimeoutLongerThanItsIntervalIsAcceptedAsInMarathon()
    {
        var parse = Parse("""{"id": "/a", "cmd": "x", "healthChecks": [{"protocol": "COMMAND", "command": {"value": "true"}, "intervalSeconds": 5, "timeoutSeconds": 20}]}""");
        Assert.Empty(parse.Errors);
    }

    [Fact]
    public void BodyIdMustMatchTheUrl()
    {
        Assert.Equal("id", Parse("""{"id": "/other", "cmd": "x"}""", null, "/web").Errors[0].Path);
    }

    [Fact]
    public void OffersLeaveOutPortsHeldByLiveTasksAndSerialsContinue()
    {
        var agent = new AgentRecord("a1", "pi1", new Resources(2, 512), new Dictionary<string, string>(), 0);
        var env = new Dictionary<string, string> { ["PORTS"] = "31000,31001" };
        var tasks = new[]
        {
            new TaskRecord("web.7", new TaskSpec("web.7", ["sh"], env, new Resources(1, 32), "/web", "v1"), TaskState.Running, "a1", 0, 0),
            new TaskRecord("web.9", new TaskSpec("web.9", ["sh"], new Dictionary<string, string> { ["PORTS"] = "31005" }, new Resources(1, 32), "/web", "v1"),
                TaskState.Failed, "a1", 0, 0),
        };
        Assert.Equal(PortRanges.Of(new PortRange(31002, 32000)), TaskPorts.Free(agent, tasks));
        Assert.Equal(10, AppInputs.NextSerial(tasks, 1));
        var instances = AppInputs.Instances(new Dictionary<string, AppSpec>(), tasks, new Dictionary<string, AgentRecord> { ["a1"] = agent },
            new HashSet<string> { "web.9" });
        Assert.Equal("pi1", instances[0].Placement.Hostname);
        Assert.True(instances[1].KillRequested);
    }
}
