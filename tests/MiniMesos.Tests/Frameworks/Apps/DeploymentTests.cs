using MiniMesos.Core.Frameworks.Apps;
using Xunit;

namespace MiniMesos.Tests.Frameworks.Apps;

public sealed class DeploymentTests
{
    [Theory]
    [InlineData(4, 1.0, 0.0)]
    [InlineData(4, 1.0, 1.0)]
    [InlineData(4, 0.5, 0.25)]
    [InlineData(5, 0.6, 0.2)]
    [InlineData(3, 0.0, 0.0)]
    [InlineData(10, 0.9, 0.1)]
    public void RollingRestartStaysWithinTheBounds(int n, double minHealth, double maxOver)
    {
        var h = new AppsHarness();
        h.AddAgent("a1", cpus: 8, mem: 8192);
        h.AddAgent("a2", cpus: 8, mem: 8192);
        var spec = new AppSpec("/svc", Cmd: "x", Cpus: 0.25, Mem: 64, Instances: n,
            HealthChecks: [new HealthCheckSpec(Command: "true")], UpgradeStrategy: new UpgradeStrategy(minHealth, maxOver));
        h.Deploy(spec);
        h.Settle();
        var v2 = h.Deploy(spec with { Cmd = "y" });
        var (minHealthy, maxTotal) = RolloutPlanner.Bounds(v2);
        Assert.Equal((int)Math.Ceiling(n * minHealth - 1e-9), minHealthy);

        for (var step = 0; step < 40; step++)
        {
            var d = h.Step();
            var live = h.Live("/svc");
            // After this step's kills: ready capacity never below the floor, and alive never above the ceiling.
            Assert.True(live.Count(i => RolloutPlanner.IsReady(v2, i)) >= minHealthy,
                $"step {step}: {live.Count(i => RolloutPlanner.IsReady(v2, i))} ready < {minHealthy}");
            Assert.True(live.Count <= maxTotal, $"step {step}: {live.Count} alive > {maxTotal}");
            h.CompleteKills();
            // New instances become healthy one step after launch, so capacity really dips in between.
            h.StartAll();
            h.Advance(1000);
            if (d.Launches.Count == 0 && d.Kills.Count == 0) break;
        }
        var final = h.Live("/svc");
        Assert.Equal(n, final.Count);
        Assert.All(final, i => Assert.Equal(v2.Version, i.Version));
        Assert.All(h.Log.SelectMany(d => d.Kills).Where(k => k.Reason.Contains("replaced")), k => Assert.Contains("'v2'", k.Reason));
    }

    [Fact]
    public void FullHealthCapacityWithoutOverCapacityStillProgressesOneAtATime()
    {
        var app = new AppSpec("/a", Cmd: "x", Instances: 4, UpgradeStrategy: new UpgradeStrategy(1, 0));
        Assert.Equal((4, 5), RolloutPlanner.Bounds(app));
        Assert.Equal((2, 6), RolloutPlanner.Bounds(app with { UpgradeStrategy = new UpgradeStrategy(0.5, 0.5) }));
        Assert.Equal((0, 0), RolloutPlanner.Bounds(app with { Instances = 0 }));
    }

    [Fact]
    public void UnhealthyNewVersionNeverTakesCapacityFromTheOld()
    {
        var h = new AppsHarness();
        h.AddAgent("a1", cpus: 8, mem: 8192);
        var spec = new AppSpec("/svc", Cmd: "x", Cpus: 0.25, Mem: 64, Instances: 3,
            HealthChecks: [new HealthCheckSpec(Command: "true")], UpgradeStrategy: new UpgradeStrategy(1, 0.34));
        h.Deploy(spec);
        h.Settle();
        var oldIds = h.Live("/svc").Select(i => i.Id).ToHashSet();
        h.Deploy(spec with { Cmd = "broken" });
        for (var step = 0; step < 5; step++)
        {
            h.Step();
            h.CompleteKills();
            h.StartAll(HealthStatus.Unknown); // new instances run but never pass a check
            h.Advance(1000);
        }
        var live = h.Live("/svc");
        Assert.Equal(oldIds, live.Where(i => i.Version == "v1").Select(i => i.Id).ToHashSet());
        Assert.Single(live, i => i.Version == "v2");
    }

    [Fact]
    public void ScaleToZeroKillsEverything()
    {
        var h = new AppsHarness();
        h.AddAgent("a1");
        var app = h.Deploy(new AppSpec("/z", Cmd: "x", Cpus: 0.1, Mem: 32, Instances: 3));
        h.Settle();
        h.Deploy(app with { Instances = 0 });
        Assert.Equal(3, h.Step().Kills.Count);
        h.CompleteKills();
        Assert.Empty(h.Live("/z"));
    }
}
