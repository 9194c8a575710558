using System.Net;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Dns;
using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using Xunit;

namespace MiniMesos.Tests.Dns;

/// <summary>Which instances the app DNS serves, and the MINIMESOS_DNSSD label's checks and its way to the agent.</summary>
public sealed class AppDnsViewBuilderTests
{
    private static readonly Dictionary<string, AgentRecord> Agents = new()
    {
        ["a1"] = new AgentRecord("a1", "198.18.0.11", new Resources(4, 4096), new Dictionary<string, string>(), 0),
        ["a2"] = new AgentRecord("a2", "pi2", new Resources(4, 4096), new Dictionary<string, string>(), 0),
    };

    [Fact]
    public void ServesRunningInstancesThatAreHealthyOrHaveNoChecks()
    {
        AppSpec web = new("/web", Cmd: "x", Ports: 1), checkedApp = new("/api", Cmd: "x", Ports: 1, HealthChecks: [new HealthCheckSpec()]);
        TaskRecord[] tasks =
        [
            Task("web.1", "/web", "a1", TaskState.Running, 31000),
            Task("web.2", "/web", "a1", TaskState.Staging, 31001),
            Task("web.3", "/web", "a1", TaskState.Killed, 31002),
            Task("gone.1", "/gone", "a1", TaskState.Running, 31003),
            Task("api.1", "/api", "a1", TaskState.Running, 31004),
            Task("api.2", "/api", "a1", TaskState.Running, 31005),
            Task("api.3", "/api", "a1", TaskState.Running, 31006),
            Task("web.4", "/web", "a2", TaskState.Running, 31007),
        ];
        var health = new Dictionary<string, HealthStatus> { ["api.1"] = HealthStatus.Healthy, ["api.2"] = HealthStatus.Unhealthy };
        IReadOnlyList<IPAddress> Resolve(AgentRecord a) => IPAddress.TryParse(a.Hostname, out var ip) ? [ip] : [];
        var leader = AppDnsViewBuilder.Endpoints([web, checkedApp], tasks, Agents, health, Resolve);
        // api.3 has no report yet (unknown), api.2 is unhealthy; web.4's agent has no address: a record must resolve.
        Assert.Equal(["api.1", "web.1"], leader.Select(e => e.TaskId).Order());
        Assert.Equal([31000], leader.Single(e => e.TaskId == "web.1").Ports);
        // A follower has no health reports: it serves every running instance.
        var follower = AppDnsViewBuilder.Endpoints([web, checkedApp], tasks, Agents, null, Resolve);
        Assert.Equal(["api.1", "api.2", "api.3", "web.1"], follower.Select(e => e.TaskId).Order());
    }

    [Theory]
    [InlineData("_http._tcp", null)]
    [InlineData("_ipp._tcp", null)]
    [InlineData("_my-svc2._udp", null)]
    [InlineData("_http", "service name and _tcp or _udp")]
    [InlineData("_http._sctp", "protocol must be _tcp or _udp")]
    [InlineData("http._tcp", "must be '_' and 1 to 15")]
    [InlineData("_a-very-long-name16._tcp", "must be '_' and 1 to 15")]
    [InlineData("_ht tp._tcp", "only letters, digits and '-'")]
    [InlineData("_123._tcp", "at least one letter")]
    [InlineData("_-http._tcp", "must not start or end with '-'")]
    [InlineData("_ht--tp._tcp", "must not start or end with '-' or hold '--'")]
    [InlineData("_http._tcp.local", "service name and _tcp or _udp")]
    public void TheServiceTypeLabelIsChecked(string value, string? why)
    {
        var error = DnsSdServiceType.Invalid(value);
        if (why is null) Assert.Null(error);
        else Assert.Contains(why, error);
        var app = new AppSpec("/web", Cmd: "x", Ports: 1, Labels: new Dictionary<string, string> { [DnsSdServiceType.Label] = value });
        var errors = AppSpecValidator.Validate(app);
        Assert.Equal(why is null ? 0 : 1, errors.Count(e => e.Path == "labels[MINIMESOS_DNSSD]"));
    }

    [Fact]
    public void TheLabelNeedsAPortAndReachesTheAgentThroughTheEnvironmentOnly()
    {
        var noPort = new AppSpec("/web", Cmd: "x", Labels: new Dictionary<string, string> { [DnsSdServiceType.Label] = "_http._tcp" });
        Assert.Contains(AppSpecValidator.Validate(noPort), e => e.Path == "labels[MINIMESOS_DNSSD]" && e.Reason.Contains("port"));
        var labelled = noPort with { Ports = 1, Version = "v1" };
        var launch = new AppLaunch("/web", "v1", "offer-1", "a1", new TaskLaunch("web.1", ResourceSet.Empty), [31000]);
        var spec = TaskSpecBuilder.ForApp(labelled, launch, "pi1");
        Assert.Equal("_http._tcp", spec.Env[DnsSdServiceType.EnvVariable]);
        var announcement = AppAnnouncement.FromEnv("web.1", spec.Env, hasHealthChecks: false)!;
        Assert.Equal(("/web", "v1", (ushort)31000), (announcement.AppId, announcement.Version, announcement.Port));
        Assert.Equal("web (pi1)", announcement.InstanceName("pi1"));
        // An app without the label cannot smuggle the variable in through its env.
        var smuggled = new AppSpec("/web", Cmd: "x", Ports: 1, Env: new Dictionary<string, string> { [DnsSdServiceType.EnvVariable] = "_http._tcp" });
        Assert.False(TaskSpecBuilder.ForApp(smuggled, launch, "pi1").Env.ContainsKey(DnsSdServiceType.EnvVariable));
        // The agent checks again: a bad type or no port announces nothing.
        Assert.Null(AppAnnouncement.FromEnv("t", new Dictionary<string, string> { ["MINIMESOS_DNSSD"] = "bad", ["MINIMESOS_APP_ID"] = "/w", ["PORT0"] = "1" }, false));
        Assert.Null(AppAnnouncement.FromEnv("t", new Dictionary<string, string> { ["MINIMESOS_DNSSD"] = "_http._tcp", ["MINIMESOS_APP_ID"] = "/w" }, false));
    }

    private static TaskRecord Task(string id, string app, string agent, TaskState state, int port) =>
        new(id, new TaskSpec(id, ["x"], new Dictionary<string, string> { ["PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            new Resources(0.1, 32), app, "v1"), state, agent, 0, 0);
}
