using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using Xunit;

namespace MiniMesos.Tests.Frameworks.Apps;

public sealed class AppSchedulerTests
{
    [Fact]
    public void UniqueHostnameWithMoreInstancesThanAgentsWaitsWithAReason()
    {
        var h = new AppsHarness();
        h.AddAgent("a1");
        h.AddAgent("a2");
        h.AddAgent("a3");
        h.Deploy(new AppSpec("/web", Cmd: "x", Cpus: 0.5, Instances: 4, Constraints: [["hostname", "UNIQUE"]]));
        var d = h.Step();
        Assert.Equal(3, d.Launches.Count);
        Assert.Equal(["a1", "a2", "a3"], d.Launches.Select(l => l.AgentId).Order());
        var wait = Assert.Single(d.Waits);
        Assert.Equal(1, wait.Missing);
        Assert.Equal("UNIQUE hostname: all 3 agents already run an instance", wait.Reason);
        h.StartAll();
        var next = h.Step();
        Assert.Empty(next.Launches);
        Assert.Equal("UNIQUE hostname: all 3 agents already run an instance", Assert.Single(next.Waits).Reason);
        Assert.Equal(3, next.UnusedOfferIds.Count);
        // A fourth agent lets the last instance in.
        h.AddAgent("a4");
        Assert.Equal("a4", Assert.Single(h.Step().Launches).AgentId);
    }

    [Fact]
    public void ResourceShortfallIsExplainedPerAgent()
    {
        var h = new AppsHarness();
        h.AddAgent("small", cpus: 1, mem: 256);
        h.Deploy(new AppSpec("/big", Cmd: "x", Cpus: 2, Mem: 128));
        var wait = Assert.Single(h.Step().Waits);
        Assert.Contains("small: cpus: 2 requested, 1 available", wait.Reason);
        h.Advance(1000);
        Assert.Empty(h.Step().Launches);
    }

    [Fact]
    public void PortsAreDistinctAndFromTheOffer()
    {
        var h = new AppsHarness();
        h.AddAgent("a1", ports: "31000-31003");
        h.Deploy(new AppSpec("/p", Cmd: "x", Cpus: 0.1, Mem: 32, Ports: 2, Instances: 3));
        var d = h.Step();
        Assert.Equal(2, d.Launches.Count);
        Assert.Equal([31000, 31001, 31002, 31003], d.Launches.SelectMany(l => l.Ports).Order());
        Assert.Contains("ports: 2 requested, 0 available", Assert.Single(d.Waits).Reason);
    }

    [Fact]
    public void ScalesUpAndDownKillingTheNewestFirst()
    {
        var h = new AppsHarness();
        h.AddAgent("a1");
        h.Deploy(new AppSpec("/s", Cmd: "x", Cpus: 0.1, Mem: 32, Instances: 2));
        h.Settle();
        Assert.Equal(2, h.Live("/s").Count);
        h.Scale("/s", 5);
        h.Settle();
        var five = h.Live("/s");
        Assert.Equal(5, five.Count);
        h.Scale("/s", 1);
        var d = h.Step();
        Assert.Equal(4, d.Kills.Count);
        Assert.All(d.Kills, k => Assert.Contains("scaling down to 1 instance", k.Reason));
        h.CompleteKills();
        Assert.Equal(five.OrderBy(i => i.LaunchedAtMs).ThenBy(i => i.Id, StringComparer.Ordinal).First().Id, Assert.Single(h.Live("/s")).Id);
        // Only the version's launch serials changed: no rolling restart on scale.
        Assert.Equal(h.Apps["/s"].Version, h.Live("/s")[0].Version);
    }

    [Fact]
    public void LostInstancesAreReplacedOnTheSurvivors()
    {
        var h = new AppsHarness();
        h.AddAgent("a1");
        h.AddAgent("a2");
        h.Deploy(new AppSpec("/r", Cmd: "x", Cpus: 0.5, Mem: 64, Instances: 4));
        h.Settle();
        h.LoseAgent(h.Live("/r")[0].Placement.AgentId);
        Assert.True(h.Live("/r").Count < 4);
        h.Settle();
        var live = h.Live("/r");
        Assert.Equal(4, live.Count);
        Assert.Single(live.Select(i => i.Placement.AgentId).Distinct());
        Assert.All(live, i => Assert.Equal(TaskState.Running, i.State));
    }

    [Fact]
    public void DecisionsAreDeterministic()
    {
        string Run()
        {
            var h = new AppsHarness();
            h.AddAgent("a1");
            h.AddAgent("a2", attributes: ("rack", "r2"));
            h.Deploy(new AppSpec("/x", Cmd: "x", Cpus: 0.3, Instances: 5, Constraints: [["hostname", "MAX_PER", "3"]]));
            h.Deploy(new AppSpec("/y", Cmd: "y", Cpus: 0.2, Instances: 2));
            h.Settle();
            return string.Join(";", h.Log.SelectMany(d => d.Launches).Select(l => $"{l.Task.TaskId}@{l.AgentId}"));
        }
        var first = Run();
        Assert.Equal(first, Run());
        Assert.Contains("x.1@a1", first);
    }

    [Fact]
    public void GroupBySpreadsAcrossRacksAndLikeFiltersAgents()
    {
        var h = new AppsHarness();
        h.AddAgent("a1", attributes: [("rack", "r1"), ("disk", "ssd")]);
        h.AddAgent("a2", attributes: [("rack", "r1"), ("disk", "hdd")]);
        h.AddAgent("a3", attributes: [("rack", "r2"), ("disk", "ssd")]);
        h.AddAgent("a4", attributes: [("rack", "r3"), ("disk", "ssd")]);
        h.Deploy(new AppSpec("/spread", Cmd: "x", Cpus: 0.1, Mem: 32, Instances: 6, Constraints: [["rack", "GROUP_BY", "3"]]));
        h.Deploy(new AppSpec("/fast", Cmd: "x", Cpus: 0.1, Mem: 32, Instances: 4, Constraints: [["disk", "LIKE", "ssd"], ["rack", "MAX_PER", "1"]]));
        h.Settle();
        var racks = new Dictionary<string, string> { ["a1"] = "r1", ["a2"] = "r1", ["a3"] = "r2", ["a4"] = "r3" };
        Assert.Equal([2, 2, 2], h.Live("/spread").GroupBy(i => racks[i.Placement.AgentId]).Select(g => g.Count()).ToList());
        var fast = h.Live("/fast");
        Assert.Equal(3, fast.Count); // one per rack, and only three racks have an ssd agent
        Assert.DoesNotContain(fast, i => i.Placement.AgentId == "a2");
        Assert.Equal(3, fast.Select(i => racks[i.Placement.AgentId]).Distinct().Count());
    }
}
