using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using Xunit;

namespace MiniMesos.Tests.Frameworks;

/// <summary>An app's user and its MINIMESOS_NETWORK label reach its instances' task specs.</summary>
public sealed class AppUserAndNetworkTests
{
    private static AppLaunch Launch(params int[] ports) =>
        new("/web", "v1", "o1", "a1", new TaskLaunch("web.1", new ResourceSet(new Resources(0.1, 32), PortRanges.Of(ports))), ports);

    [Fact]
    public void UserAndNoNetworkGoIntoTheInstancesSpec()
    {
        var app = new AppSpec("/web", Cmd: "serve", User: "alice", Labels: new Dictionary<string, string> { [AppSpec.NetworkLabel] = "none" });
        var spec = TaskSpecBuilder.ForApp(app, Launch(31005), "pi1");
        Assert.Equal(("alice", "none", "31005", "pi1"), (spec.User, spec.Network, spec.Env["PORT"], spec.Env["HOST"]));
        var plain = TaskSpecBuilder.ForApp(new AppSpec("/web", Cmd: "serve"), Launch(), "pi1");
        Assert.Equal((null, null), (plain.User, plain.Network));
        Assert.False(plain.HasIsolationFields);
    }

    [Fact]
    public void AnUnknownNetworkLabelIsRefusedByName()
    {
        var errors = AppSpecValidator.Validate(new AppSpec("/web", Cmd: "serve", Labels: new Dictionary<string, string> { [AppSpec.NetworkLabel] = "bridge" }));
        Assert.Contains(errors, e => e.Path == "labels[MINIMESOS_NETWORK]");
    }
}
