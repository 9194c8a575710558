using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.Routing;
using Xunit;

namespace MiniMesos.Tests.Routing;

public sealed class ServiceTableTests
{
    private static TaskRecord Task(string id, string app, string agent, TaskState state, string ports) =>
        new(id, new TaskSpec(id, ["serve"], new Dictionary<string, string> { ["PORTS"] = ports }, new Resources(0.1, 16), app, "v1"),
            state, agent, 0, 0);

    private static readonly AppSpec Web = new("/web", Cmd: "serve", Ports: 2, ServicePorts: [10000, 10001],
        Labels: new Dictionary<string, string> { [AppSpec.VhostLabel] = "Web.Home.Arpa." });

    [Fact]
    public void RunningInstancesOnConnectedAgentsAreTheEndpointsOfEachPort()
    {
        var tasks = new[]
        {
            Task("web.2", "/web", "a2", TaskState.Running, "31002,31003"),
            Task("web.1", "/web", "a1", TaskState.Running, "31000,31001"),
            Task("web.3", "/web", "a3", TaskState.Running, "31000,31001"), // its agent is not connected
            Task("web.4", "/web", "a1", TaskState.Starting, "31004,31005"),
            Task("web.5", "/web", "a2", TaskState.Killed, "31006,31007"),
        };
        var table = ServiceTable.Build([Web, new AppSpec("/noports", Cmd: "x")], tasks, _ => null,
            agent => agent == "a3" ? null : agent == "a1" ? "198.18.0.1" : "198.18.0.2");
        Assert.Equal([10000, 10001], table.Keys);
        Assert.Equal([new ServiceEndpoint("web.1", "198.18.0.1", 31000), new ServiceEndpoint("web.2", "198.18.0.2", 31002)], table[10000].Endpoints);
        Assert.Equal([31001, 31003], table[10001].Endpoints.Select(e => e.Port));
        Assert.Equal("web.home.arpa", table[10000].Vhost);
        Assert.Null(table[10001].Vhost);
    }

    [Fact]
    public void WithHealthChecksOnlyHealthyInstancesTakeConnections()
    {
        var app = Web with { HealthChecks = [new HealthCheckSpec("TCP")] };
        var tasks = new[] { Task("web.1", "/web", "a1", TaskState.Running, "1,2"), Task("web.2", "/web", "a1", TaskState.Running, "3,4"),
            Task("web.3", "/web", "a1", TaskState.Running, "5,6"), Task("web.4", "/web", "a1", TaskState.Running, "7,8") };
        var health = new Dictionary<string, HealthStatus> { ["web.1"] = HealthStatus.Healthy, ["web.2"] = HealthStatus.Failing, ["web.3"] = HealthStatus.Unhealthy };
        var table = ServiceTable.Build([app], tasks, id => health.TryGetValue(id, out var h) ? h : null, _ => "h");
        Assert.Equal(["web.1"], table[10000].Endpoints.Select(e => e.TaskId));
    }

    [Fact]
    public void DiffCarriesOnlyChangesAndAReplicaFollowsIt()
    {
        var before = ServiceTable.Build([Web], [Task("web.1", "/web", "a1", TaskState.Running, "31000,31001")], _ => null, _ => "h1");
        var after = ServiceTable.Build([Web with { ServicePorts = [10000, 10002] }],
            [Task("web.1", "/web", "a1", TaskState.Running, "31000,31001"), Task("web.2", "/web", "a2", TaskState.Running, "31000,31001")], _ => null, _ => "h1");
        var (changed, removed) = ServiceTable.Diff(before, after);
        Assert.Equal([10000, 10002], changed.Select(r => r.ServicePort));
        Assert.Equal([10001], removed);
        Assert.Empty(ServiceTable.Diff(after, after).Changed);

        var replica = new RouteTable();
        Assert.True(replica.Apply(5, 0, before.Values.ToList(), []));
        Assert.False(replica.Apply(7, 6, changed, removed)); // built on a version it does not have
        Assert.True(replica.Apply(6, 5, changed, removed));
        Assert.Equal(after.Keys, replica.Routes.Keys.Order());
        Assert.True(replica.Routes[10000].SameAs(after[10000]));
        Assert.Equal(10000, replica.PortForHost("WEB.home.arpa"));
        Assert.Null(replica.PortForHost("other"));
        Assert.True(replica.Apply(9, 0, [], [])); // a whole table replaces everything
        Assert.Empty(replica.Routes);
    }
}
