using MiniMesos.Core.Allocation;
using Xunit;
using static MiniMesos.Tests.Allocation.AllocationHarness;

namespace MiniMesos.Tests.Allocation;

public sealed class RoleFairnessTests
{
    private static Dictionary<string, int> OffersPerFramework(AllocationHarness h, int agents)
    {
        for (var i = 1; i <= agents; i++) h.Allocator.AddAgent(Agent($"a{i}", 1, 1024));
        var round = h.Round();
        Assert.Equal(agents, round.Offers.Count);
        // Every framework keeps what it is offered: the shares stay charged.
        return round.Offers.GroupBy(o => o.FrameworkId).ToDictionary(g => g.Key, g => g.Count());
    }

    [Fact]
    public void RoleWeightsSplitTheCluster()
    {
        var h = new AllocationHarness();
        h.Allocator.SetRoleWeight("prod", 3);
        h.Allocator.AddFramework("p", role: "prod");
        h.Allocator.AddFramework("d", role: "dev");
        var got = OffersPerFramework(h, 4);
        Assert.Equal(3, got["p"]);
        Assert.Equal(1, got["d"]);
        Assert.Equal(0.25, h.Allocator.RoleShare("prod"), 6); // 0.75 / weight 3
    }

    [Fact]
    public void FairnessIsBetweenRolesFirstThenFrameworks()
    {
        var h = new AllocationHarness();
        h.Allocator.AddFramework("a1", role: "a");
        h.Allocator.AddFramework("a2", role: "a");
        h.Allocator.AddFramework("b1", role: "b");
        var got = OffersPerFramework(h, 4);
        // Role b's only framework gets half, the two frameworks of role a share the other half.
        Assert.Equal(2, got["b1"]);
        Assert.Equal(1, got["a1"]);
        Assert.Equal(1, got["a2"]);
    }

    [Fact]
    public void RemovingAFrameworkRescindsItsOffersAndFreesItsRoleShare()
    {
        var h = new AllocationHarness();
        h.Allocator.AddFramework("x", role: "r");
        h.Allocator.AddAgent(Agent("a1", 2, 1024));
        var offer = Assert.Single(h.Round().Offers);
        Assert.True(h.Allocator.Accept("x", [offer.Id], [new TaskLaunch("t", Res(1, 512))], h.NowMs, 0).Accepted);
        Assert.Equal(0.5, h.Allocator.RoleShare("r"), 6);
        Assert.Single(h.Round().Offers); // the rest of the agent, outstanding when the framework goes
        var rescind = Assert.Single(h.Allocator.RemoveFramework("x"));
        Assert.Contains("framework 'x' was removed", rescind.Reason);
        Assert.Equal(0, h.Allocator.RoleShare("r"), 6);
        h.Allocator.AddFramework("y", role: "r2");
        Assert.Throws<InvalidOperationException>(() => h.Allocator.AddFramework("y", role: "r3"));
    }
}
