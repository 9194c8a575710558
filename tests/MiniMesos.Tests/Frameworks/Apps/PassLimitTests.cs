using MiniMesos.Core.Frameworks.Apps;
using Xunit;

namespace MiniMesos.Tests.Frameworks.Apps;

/// <summary>A pass launches at most its limit; what is left waits with that reason and the next passes go on until all run.</summary>
public sealed class PassLimitTests
{
    [Fact]
    public void LaunchesBeyondThePassLimitWaitForTheNextPass()
    {
        var h = new AppsHarness { MaxLaunches = 4 };
        h.AddAgent("a1");
        h.AddAgent("a2");
        h.Deploy(new AppSpec("/a", Cmd: "x", Cpus: 0.1, Mem: 16, Instances: 5));
        h.Deploy(new AppSpec("/b", Cmd: "x", Cpus: 0.1, Mem: 16, Instances: 5));

        var first = h.Step();
        Assert.Equal(4, first.Launches.Count);
        Assert.All(first.Launches, l => Assert.Equal("/a", l.AppId));
        Assert.Equal([("/a", 1), ("/b", 5)], first.Waits.Select(w => (w.AppId, w.Missing)));
        Assert.All(first.Waits, w => Assert.Contains("limit of 4 launches", w.Reason));

        var second = h.Step();
        Assert.Equal(["/a", "/b", "/b", "/b"], second.Launches.Select(l => l.AppId));
        var third = h.Step();
        Assert.Equal(["/b", "/b"], third.Launches.Select(l => l.AppId));
        Assert.Empty(third.Waits);
        Assert.Empty(h.Step().Launches);
        Assert.Equal(5, h.Live("/a").Count);
        Assert.Equal(5, h.Live("/b").Count);
        Assert.Equal(10, h.Instances.Values.Select(i => i.Id).Distinct().Count());
    }

    [Fact]
    public void ShortOfferExplanationsStillNameEveryAgentInOfferOrder()
    {
        var h = new AppsHarness();
        h.AddAgent("b-small", cpus: 0.5, mem: 1024);
        h.AddAgent("a-fits", cpus: 1, mem: 1024);
        h.AddAgent("c-small", cpus: 0.5, mem: 1024);
        h.Deploy(new AppSpec("/w", Cmd: "x", Cpus: 1, Mem: 16, Instances: 2));
        var d = h.Step();
        Assert.Equal("a-fits", Assert.Single(d.Launches).AgentId);
        var reason = Assert.Single(d.Waits).Reason;
        var names = new[] { "a-fits", "b-small", "c-small" }.Select(n => reason.IndexOf(n + ":", StringComparison.Ordinal)).ToList();
        Assert.All(names, i => Assert.True(i >= 0, reason));
        Assert.Equal(names.Order(), names);
    }
}
