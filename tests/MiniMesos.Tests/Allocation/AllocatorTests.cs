using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;
using Xunit;
using static MiniMesos.Tests.Allocation.AllocationHarness;

namespace MiniMesos.Tests.Allocation;

public sealed class AllocatorTests
{
    [Fact]
    public void DrfPaperExampleGivesAThreeTasksAndBTwo()
    {
        // Ghodsi et al. 2011, section 4: 9 CPUs / 18 GB; A's tasks <1 CPU, 4 GB>, B's <3 CPUs, 1 GB>.
        var h = new AllocationHarness();
        h.Allocator.AddAgent(Agent("s1", 9, 18 * 1024));
        h.Allocator.AddFramework("A");
        h.Allocator.AddFramework("B");
        var demand = new Dictionary<string, ResourceSet> { ["A"] = Res(1, 4 * 1024), ["B"] = Res(3, 1024) };
        var launched = new Dictionary<string, int> { ["A"] = 0, ["B"] = 0 };
        // Each framework takes one task per offer and gives the rest back without a filter, so every
        // task is a separate DRF decision (progressive filling).
        for (var round = 0; round < 20; round++)
        {
            var offers = h.Round().Offers;
            if (offers.Count == 0) break;
            foreach (var offer in offers)
            {
                var need = demand[offer.FrameworkId];
                if (offer.Resources.Contains(need))
                {
                    var result = h.Allocator.Accept(offer.FrameworkId, [offer.Id],
                        [new TaskLaunch($"{offer.FrameworkId}-{launched[offer.FrameworkId]}", need)], h.NowMs, refuseSeconds: 0);
                    Assert.True(result.Accepted, result.Reason);
                    launched[offer.FrameworkId]++;
                }
                else
                {
                    Assert.Null(h.Allocator.Decline(offer.FrameworkId, [offer.Id], h.NowMs, refuseSeconds: 60));
                }
            }
            h.Advance(1000);
        }
        Assert.Equal(3, launched["A"]);
        Assert.Equal(2, launched["B"]);
        // Both end with the same dominant share, 2/3 (A: 12/18 GB, B: 6/9 CPUs).
        Assert.Equal(2.0 / 3, h.Allocator.ShareOf("A"), 6);
        Assert.Equal(2.0 / 3, h.Allocator.ShareOf("B"), 6);
        Assert.Equal(["A", "B", "A", "B", "A"], h.OfferLog.Take(5).Select(o => o.FrameworkId));
    }

    [Fact]
    public void OffersAreBatchedPerAgentAndCarryAttributes()
    {
        var h = new AllocationHarness();
        h.Allocator.AddAgent(Agent("a1", 4, 4096, ("rack", "r1")), PortRanges.Parse("31000-31099"));
        h.Allocator.AddAgent(Agent("a2", 2, 2048, ("rack", "r2")));
        h.Allocator.AddFramework("f");
        var offers = h.Round().Offers;
        Assert.Equal(2, offers.Count);
        Assert.Equal(("a1", "r1", 4.0, 100L), (offers[0].AgentId, offers[0].Attributes["rack"], offers[0].Resources.Scalars.Cpus, offers[0].Resources.Ports.Count));
        Assert.Equal("a2.local", offers[1].Hostname);
        Assert.Empty(h.Round().Offers); // everything is out on offer
    }

    [Fact]
    public void OffersExpireAndTheirResourcesAreOfferedAgain()
    {
        var h = new AllocationHarness(new AllocatorOptions(OfferTimeoutMs: 10_000));
        h.Allocator.AddAgent(Agent("a1", 1, 1024));
        h.Allocator.AddFramework("f");
        var first = Assert.Single(h.Round().Offers);
        h.Advance(9_999);
        Assert.Empty(h.Round().Rescinded);
        h.Advance(1);
        var round = h.Round();
        var rescind = Assert.Single(round.Rescinded);
        Assert.Equal(first.Id, rescind.OfferId);
        Assert.Contains("offer timeout", rescind.Reason);
        Assert.NotEqual(first.Id, Assert.Single(round.Offers).Id);
        var late = h.Allocator.Accept("f", [first.Id], [], h.NowMs);
        Assert.False(late.Accepted);
        Assert.Contains($"'{first.Id}' is unknown", late.Reason);
    }

    [Fact]
    public void AcceptOfAnOfferPastItsDeadlineIsRefusedByTime()
    {
        var h = new AllocationHarness(new AllocatorOptions(OfferTimeoutMs: 5_000));
        h.Allocator.AddAgent(Agent("a1", 1, 1024));
        h.Allocator.AddFramework("f");
        var offer = Assert.Single(h.Round().Offers);
        h.Advance(5_000);
        var result = h.Allocator.Accept("f", [offer.Id], [new TaskLaunch("t", Res(0.5, 10))], h.NowMs);
        Assert.False(result.Accepted);
        Assert.Contains("expired", result.Reason);
        Assert.Equal(1.0, h.Allocator.FreeOn("a1").Scalars.Cpus); // resources recovered
    }

    [Fact]
    public void RemovingAnAgentRescindsItsOffers()
    {
        var h = new AllocationHarness();
        h.Allocator.AddAgent(Agent("a1", 1, 1024));
        h.Allocator.AddFramework("f");
        var offer = Assert.Single(h.Round().Offers);
        var rescind = Assert.Single(h.Allocator.RemoveAgent("a1", "heartbeat timeout"));
        Assert.Equal(offer.Id, rescind.OfferId);
        Assert.Contains("heartbeat timeout", rescind.Reason);
        Assert.Equal(0, h.Allocator.ShareOf("f"));
        Assert.False(h.Allocator.Accept("f", [offer.Id], [], h.NowMs).Accepted);
    }

    [Fact]
    public void DeclineFilterKeepsTheAgentFromThatFrameworkUntilItPasses()
    {
        var h = new AllocationHarness();
        h.Allocator.AddAgent(Agent("a1", 1, 1024));
        h.Allocator.AddFramework("a");
        h.Allocator.AddFramework("b");
        var toA = Assert.Single(h.Round().Offers);
        Assert.Equal("a", toA.FrameworkId);
        Assert.Null(h.Allocator.Decline("a", [toA.Id], h.NowMs, refuseSeconds: 30));
        var toB = Assert.Single(h.Round().Offers);
        Assert.Equal("b", toB.FrameworkId);
        Assert.Null(h.Allocator.Decline("b", [toB.Id], h.NowMs, refuseSeconds: 60));
        h.Advance(29_999);
        Assert.Empty(h.Round().Offers);
        h.Advance(1);
        Assert.Equal("a", Assert.Single(h.Round().Offers).FrameworkId);
    }

    [Fact]
    public void ReviveClearsFiltersAndSuppressStopsOffers()
    {
        var h = new AllocationHarness();
        h.Allocator.AddAgent(Agent("a1", 1, 1024));
        h.Allocator.AddFramework("a");
        h.Allocator.Decline("a", [Assert.Single(h.Round().Offers).Id], h.NowMs, refuseSeconds: 3600);
        Assert.Empty(h.Round().Offers);
        h.Allocator.Revive("a");
        var offer = Assert.Single(h.Round().Offers);
        h.Allocator.Decline("a", [offer.Id], h.NowMs, refuseSeconds: 0);
        h.Allocator.Suppress("a");
        Assert.Empty(h.Round().Offers);
    }

    [Fact]
    public void AcceptRefusalsNameTheProblem()
    {
        var h = new AllocationHarness();
        h.Allocator.AddAgent(Agent("a1", 2, 1024), PortRanges.Parse("31000-31009"));
        h.Allocator.AddAgent(Agent("a2", 2, 1024));
        h.Allocator.AddFramework("f");
        h.Allocator.AddFramework("g");
        var offers = h.Round().Offers;
        var f = offers.Single(o => o.FrameworkId == "f");
        var g = offers.Single(o => o.FrameworkId == "g");

        Assert.Contains($"was made to framework 'g', not 'f'", h.Allocator.Accept("f", [g.Id], [], h.NowMs).Reason);
        Assert.Contains("'nope' is unknown", h.Allocator.Accept("f", ["nope"], [], h.NowMs).Reason);
        Assert.Contains("not registered", h.Allocator.Accept("zz", [f.Id], [], h.NowMs).Reason);
        // The failed ownership checks did not consume f's offer: now check the resource refusals.
        var cases = new (TaskLaunch[] Launches, string Expected)[]
        {
            ([new TaskLaunch("t1", Res(3, 10))], "cpus: 3 requested, 2 available"),
            ([new TaskLaunch("t1", Res(1, 2000))], "mem: 2000 MiB requested, 1024 MiB available"),
            ([new TaskLaunch("t1", Res(1, 10, "8080"))], "task 't1': ports [8080] are not in the offered ranges [31000-31009]"),
            ([new TaskLaunch("t1", Res(1, 10, "31000")), new TaskLaunch("t2", Res(1, 10, "31000-31001"))], "port 31000 is requested by both task 't1' and task 't2'"),
            ([new TaskLaunch("t1", Res(1, 10)), new TaskLaunch("t1", Res(1, 10))], "task id 't1' appears twice"),
            ([new TaskLaunch("t1", Res(1.5, 10)), new TaskLaunch("t2", Res(1, 10))], "the tasks together exceed offer"),
        };
        foreach (var (launches, expected) in cases)
        {
            var offer = h.Round().Offers.SingleOrDefault(o => o.FrameworkId == "f") ?? f;
            var result = h.Allocator.Accept("f", [offer.Id], launches, h.NowMs);
            Assert.False(result.Accepted);
            Assert.Contains(expected, result.Reason);
            // A refused accept uses up the offer and returns its resources to the pool.
            Assert.DoesNotContain(h.Allocator.OutstandingOffers, o => o.Id == offer.Id);
        }
    }

    [Fact]
    public void AcceptLaunchesAndRecoverReturnsResources()
    {
        var h = new AllocationHarness();
        h.Allocator.AddAgent(Agent("a1", 4, 4096), PortRanges.Parse("31000-31009"));
        h.Allocator.AddFramework("f");
        var offer = Assert.Single(h.Round().Offers);
        var result = h.Allocator.Accept("f", [offer.Id],
            [new TaskLaunch("t1", Res(1, 1024, "31000-31001")), new TaskLaunch("t2", Res(1, 1024, "31005"))], h.NowMs, refuseSeconds: 0);
        Assert.True(result.Accepted, result.Reason);
        Assert.Equal("a1", result.AgentId);
        Assert.Equal(2, result.Launches.Count);
        var left = Assert.Single(h.Round().Offers);
        Assert.Equal(new Resources(2, 2048), left.Resources.Scalars);
        Assert.Equal("[31002-31004,31006-31009]", left.Resources.Ports.ToString());
        Assert.Equal(1.0, h.Allocator.ShareOf("f"), 6); // 2 used + 2 on offer, of 4
        h.Allocator.Decline("f", [left.Id], h.NowMs, 0);
        h.Allocator.Recover("f", "a1", Res(1, 1024, "31000-31001"));
        Assert.Equal(new Resources(3, 3072), h.Allocator.FreeOn("a1").Scalars);
        Assert.Equal(0.25, h.Allocator.ShareOf("f"), 6);
    }

    [Fact]
    public void AcceptDefaultFilterHoldsUnusedResourcesBriefly()
    {
        var h = new AllocationHarness(new AllocatorOptions(DefaultRefuseSeconds: 5));
        h.Allocator.AddAgent(Agent("a1", 4, 4096));
        h.Allocator.AddFramework("f");
        var offer = Assert.Single(h.Round().Offers);
        Assert.True(h.Allocator.Accept("f", [offer.Id], [new TaskLaunch("t", Res(1, 10))], h.NowMs).Accepted);
        Assert.Empty(h.Round().Offers);
        h.Advance(5_000);
        Assert.Single(h.Round().Offers);
    }

    [Fact]
    public void RestoredUsageAfterFailoverIsNotOfferedAndCountsInTheShare()
    {
        var h = new AllocationHarness();
        h.Allocator.AddAgent(Agent("a1", 4, 4096), PortRanges.Parse("31000-31009"));
        h.Allocator.AddFramework("f");
        h.Allocator.RestoreUsage("f", "a1", Res(3, 1024, "31000"));
        Assert.Equal(0.75, h.Allocator.ShareOf("f"), 6);
        var offer = Assert.Single(h.Round().Offers);
        Assert.Equal(new Resources(1, 3072), offer.Resources.Scalars);
        Assert.False(offer.Resources.Ports.Contains(31000));
    }
}
