using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.Routing;

public sealed class ServicePortAllocatorTests
{
    private static readonly PortRange Range = new(10000, 10009);

    private static AppSpec App(string id, int ports, params int[] servicePorts) =>
        new(id, Cmd: "serve", Ports: ports, ServicePorts: servicePorts.Length == 0 ? null : servicePorts);

    [Fact]
    public void GivesTheLowestFreePortsAndKeepsThemAcrossVersions()
    {
        var web = ServicePortAllocator.Assign(App("/web", 2), null, [], Range).App!;
        Assert.Equal([10000, 10001], web.ServicePorts);
        var db = ServicePortAllocator.Assign(App("/db", 1), null, [web], Range).App!;
        Assert.Equal([10002], db.ServicePorts);
        // A new version that does not name its ports (a zero, or none) keeps the ones it had; a third port is added.
        var next = ServicePortAllocator.Assign(App("/web", 3) with { ServicePorts = [0] }, web, [web, db], Range).App!;
        Assert.Equal([10000, 10001, 10003], next.ServicePorts);
    }

    [Fact]
    public void ARequestedPortIsGivenOrRefusedNamingIt()
    {
        var web = ServicePortAllocator.Assign(App("/web", 1, 10005), null, [], Range).App!;
        Assert.Equal([10005], web.ServicePorts);
        var (taken, conflict) = ServicePortAllocator.Assign(App("/other", 1, 10005), null, [web], Range);
        Assert.Null(taken);
        Assert.True(conflict!.Taken);
        Assert.Equal("portDefinitions[0].port", conflict.Field);
        Assert.Contains("10005 is already used by app /web", conflict.Reason);
        var outside = ServicePortAllocator.Assign(App("/other", 2, 0, 30000), null, [web], Range).Conflict!;
        Assert.False(outside.Taken);
        Assert.Equal("portDefinitions[1].port", outside.Field);
        Assert.Contains("30000 is outside the service port range 10000-10009", outside.Reason);
        Assert.Contains("given twice", ServicePortAllocator.Assign(App("/x", 2, 10001, 10001), null, [], Range).Conflict!.Reason);
    }

    [Fact]
    public void AFullRangeIsAConflictAndADeletedAppsPortsAreFreeAgain()
    {
        var big = ServicePortAllocator.Assign(App("/big", 10), null, [], Range).App!;
        Assert.Contains("no free service port", ServicePortAllocator.Assign(App("/more", 1), null, [big], Range).Conflict!.Reason);
        Assert.Equal([10000], ServicePortAllocator.Assign(App("/more", 1), null, [], Range).App!.ServicePorts);
    }

    [Fact]
    public void TheStateRefusesAnAppWhosePortAnotherHolds()
    {
        var state = new ClusterState();
        Assert.True(state.Apply(new PutApp(1, App("/web", 1, 10000))));
        Assert.False(state.Apply(new PutApp(2, App("/db", 1, 10000))));
        Assert.True(state.Apply(new PutApp(3, App("/web", 1, 10000) with { Instances = 2 })));
        Assert.True(state.Apply(new RemoveApp(4, "/web")));
        Assert.True(state.Apply(new PutApp(5, App("/db", 1, 10000))));
    }

    [Fact]
    public void ServicePortsRoundTripAndNeedLevelFour()
    {
        var app = App("/web", 2, 10000, 10001) with { RequirePorts = true };
        var decoded = Assert.IsType<PutApp>(CommandCodec.Decode(CommandCodec.Encode(new PutApp(1, app)))).App;
        Assert.Equal([10000, 10001], decoded.ServicePorts);
        Assert.True(decoded.RequirePorts);
        Assert.Equal(FeatureGate.ServicePorts, new PutApp(1, app).RequiredLevel);
        // An app without them keeps the bytes older masters read.
        Assert.Equal(FeatureGate.Baseline, new PutApp(1, App("/web", 1)).RequiredLevel);
        Assert.Null(Assert.IsType<PutApp>(CommandCodec.Decode(CommandCodec.Encode(new PutApp(1, App("/web", 1))))).App.ServicePorts);
    }

    [Fact]
    public void RequirePortsPlacesInstancesOnTheirServicePortsOnly()
    {
        var app = App("/web", 1, 31005) with { RequirePorts = true };
        var offer = new Offer("o1", "apps", "a1", "pi1", new Dictionary<string, string>(),
            new ResourceSet(new Core.Model.Resources(4, 4096), PortRanges.Of(new PortRange(31000, 31010))), 0, 1000);
        var remaining = new Dictionary<string, ResourceSet> { ["o1"] = offer.Resources };
        var (placed, _) = OfferPacker.Pack(app, 1, [], [], [offer], remaining);
        Assert.Equal([31005], Assert.Single(placed).Ports);
        var (none, why) = OfferPacker.Pack(app, 1, [], [], [offer], remaining);
        Assert.Empty(none);
        Assert.Contains("requirePorts needs service ports [31005] free", why);
    }
}
