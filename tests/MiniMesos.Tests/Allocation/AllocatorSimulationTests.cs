using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;
using Xunit;
using static MiniMesos.Tests.Allocation.AllocationHarness;

namespace MiniMesos.Tests.Allocation;

/// <summary>
/// Seeded random traffic against the allocator (accepts, declines, ignored offers that expire, task ends,
/// agents lost and added, frameworks removed). After every operation each agent's resources are
/// conserved: free + on offer + used by tasks = total, and no port is in two places.
/// </summary>
public sealed class AllocatorSimulationTests
{
    private sealed record Running(string Framework, string AgentId, ResourceSet Resources);

    public static TheoryData<int> Seeds() => new(Enumerable.Range(1, 12));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ResourcesAreConserved(int seed)
    {
        var random = new Random(seed);
        var h = new AllocationHarness(new AllocatorOptions(OfferTimeoutMs: 3_000));
        var totals = new Dictionary<string, ResourceSet>();
        var tasks = new Dictionary<string, Running>();
        var frameworks = new List<string> { "f1", "f2", "f3" };
        foreach (var f in frameworks) h.Allocator.AddFramework(f, weight: 1 + random.Next(3), role: random.Next(2) == 0 ? "a" : "b");
        var agentSerial = 0;
        void AddAgent()
        {
            var id = $"s{++agentSerial}";
            var ports = PortRanges.Parse($"{31000 + random.Next(10)}-{31020 + random.Next(10)}");
            h.Allocator.AddAgent(Agent(id, 1 + random.Next(8), 512 * (1 + random.Next(8))), ports);
            totals[id] = h.Allocator.FreeOn(id);
        }
        for (var i = 0; i < 4; i++) AddAgent();
        var taskSerial = 0;

        for (var step = 0; step < 150; step++)
        {
            foreach (var offer in h.Round().Offers)
            {
                switch (random.Next(4))
                {
                    case 0: // accept a few tasks carved out of the offer
                        var launches = new List<TaskLaunch>();
                        var left = offer.Resources;
                        for (var k = random.Next(1, 4); k > 0; k--)
                        {
                            var ports = left.Ports.Take(random.Next(0, 3));
                            var want = new ResourceSet(new Resources(Math.Round(left.Scalars.Cpus * random.NextDouble(), 2), left.Scalars.MemMb / 3),
                                ports is null ? PortRanges.Empty : PortRanges.Of(ports));
                            if (!left.Contains(want)) break;
                            launches.Add(new TaskLaunch($"t{++taskSerial}", want));
                            left -= want;
                        }
                        var result = h.Allocator.Accept(offer.FrameworkId, [offer.Id], launches, h.NowMs, random.Next(3));
                        Assert.True(result.Accepted, result.Reason);
                        foreach (var l in launches) tasks[l.TaskId] = new Running(offer.FrameworkId, offer.AgentId, l.Resources);
                        break;
                    case 1:
                        Assert.Null(h.Allocator.Decline(offer.FrameworkId, [offer.Id], h.NowMs, random.Next(5)));
                        break;
                    case 2: // an over-sized accept is refused and the offer is used up
                        var tooBig = new TaskLaunch($"t{++taskSerial}", new ResourceSet(offer.Resources.Scalars + new Resources(1, 1), PortRanges.Empty));
                        Assert.False(h.Allocator.Accept(offer.FrameworkId, [offer.Id], [tooBig], h.NowMs).Accepted);
                        break;
                    default: // ignored: it will expire
                        break;
                }
            }
            foreach (var (id, t) in tasks.Where(_ => random.Next(4) == 0).ToList())
            {
                h.Allocator.Recover(t.Framework, t.AgentId, t.Resources);
                tasks.Remove(id);
            }
            if (random.Next(15) == 0 && totals.Count > 1)
            {
                var gone = totals.Keys.ElementAt(random.Next(totals.Count));
                h.Allocator.RemoveAgent(gone, "lost");
                totals.Remove(gone);
                foreach (var id in tasks.Where(kv => kv.Value.AgentId == gone).Select(kv => kv.Key).ToList()) tasks.Remove(id);
            }
            if (random.Next(10) == 0) AddAgent();
            h.Advance(random.Next(200, 2_000));
            CheckConservation(h, totals, tasks.Values, $"seed {seed} step {step}");
        }
    }

    private static void CheckConservation(AllocationHarness h, Dictionary<string, ResourceSet> totals, IEnumerable<Running> tasks, string where)
    {
        foreach (var (agentId, total) in totals)
        {
            var parts = new List<ResourceSet> { h.Allocator.FreeOn(agentId) };
            parts.AddRange(h.Allocator.OutstandingOffers.Where(o => o.AgentId == agentId).Select(o => o.Resources));
            parts.AddRange(tasks.Where(t => t.AgentId == agentId).Select(t => t.Resources));
            var cpus = parts.Sum(p => p.Scalars.Cpus);
            Assert.True(Math.Abs(cpus - total.Scalars.Cpus) < 1e-6, $"{where}: {agentId} cpus {cpus} != {total.Scalars.Cpus}");
            Assert.Equal(total.Scalars.MemMb, parts.Sum(p => p.Scalars.MemMb));
            Assert.All(parts, p => Assert.True(p.Scalars.Cpus > -1e-6 && p.Scalars.MemMb >= 0, $"{where}: negative {p}"));
            Assert.Equal(total.Ports.Count, parts.Sum(p => p.Ports.Count)); // counts add up ...
            Assert.Equal(total.Ports, parts.Aggregate(PortRanges.Empty, (acc, p) => acc.Add(p.Ports))); // ... and cover: so disjoint
        }
    }
}
