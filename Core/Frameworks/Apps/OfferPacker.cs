using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;

namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// Places instances of one app on offers, honouring resources, ports and constraints, and explains in
/// words why the rest cannot be placed. Mutates <paramref name="remaining"/> (what is left of each offer).
/// </summary>
internal static class OfferPacker
{
    /// <summary>Why instances wait when the pass held no offers at all.</summary>
    public const string NoOffers = "waiting for resource offers";

    public static (List<PackedInstance> Placed, string? WhyNot) Pack(
        AppSpec app, int count, IReadOnlyList<Constraint> constraints, List<Placement> placed,
        IReadOnlyList<Offer> offers, Dictionary<string, ResourceSet> remaining)
    {
        var result = new List<PackedInstance>();
        var scalars = new Resources(app.Cpus, (long)Math.Ceiling(app.Mem), (long)Math.Ceiling(app.Disk));
        // What is left of an offer only shrinks during a pack, so an offer short of resources or ports for this app
        // stays short: it is dropped from the candidates once instead of being tried again for every instance.
        var candidates = offers.ToList();
        var exhausted = new List<(Offer Offer, string Reason, int ConstraintIndex)>();
        for (var k = 0; k < count; k++)
        {
            var failures = new List<(Offer Offer, string Reason, int ConstraintIndex)>();
            PackedInstance? chosen = null;
            for (var j = 0; j < candidates.Count; j++)
            {
                var offer = candidates[j];
                var left = remaining[offer.Id];
                var shortfall = left.Shortfall(new ResourceSet(scalars, PortRanges.Empty));
                var ports = HostPorts(app, left.Ports);
                if (shortfall is null && ports is null)
                    shortfall = app.RequirePorts
                        ? $"ports: requirePorts needs service ports {PortRanges.Of(app.ServicePorts ?? [])} free, offered {left.Ports}"
                        : $"ports: {app.Ports} requested, {left.Ports.Count} available";
                if (shortfall is not null)
                {
                    exhausted.Add((offer, shortfall, -1));
                    candidates.RemoveAt(j--);
                    continue;
                }
                var candidate = new Placement(offer.AgentId, offer.Hostname, offer.Attributes);
                var failed = constraints.Select((c, i) => (Reason: c.Check(candidate, placed), Index: i)).FirstOrDefault(x => x.Reason is not null);
                if (failed.Reason is not null)
                {
                    failures.Add((offer, failed.Reason, failed.Index));
                    continue;
                }
                chosen = new PackedInstance(offer, new ResourceSet(scalars, PortRanges.Of(ports!)), ports!);
                break;
            }
            if (chosen is null) return (result, Explain(app, scalars, constraints, offers, InOfferOrder(offers, exhausted.Concat(failures))));
            remaining[chosen.Offer.Id] -= chosen.Resources;
            placed.Add(new Placement(chosen.Offer.AgentId, chosen.Offer.Hostname, chosen.Offer.Attributes));
            result.Add(chosen);
        }
        return (result, null);
    }

    /// <summary>An instance's host ports from what is left of an offer: its service ports with requirePorts, else the lowest free ones.</summary>
    private static IReadOnlyList<int>? HostPorts(AppSpec app, PortRanges left) =>
        !app.RequirePorts || app.ServicePorts is not { Count: > 0 } wanted ? left.Take(app.Ports)
        : left.Contains(PortRanges.Of(wanted)) ? wanted : null;

    private static List<(Offer Offer, string Reason, int ConstraintIndex)> InOfferOrder(IReadOnlyList<Offer> offers,
        IEnumerable<(Offer Offer, string Reason, int ConstraintIndex)> failures)
    {
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < offers.Count; i++) position.TryAdd(offers[i].Id, i);
        return failures.OrderBy(f => position[f.Offer.Id]).ToList();
    }

    private static string Explain(AppSpec app, Resources scalars, IReadOnlyList<Constraint> constraints, IReadOnlyList<Offer> offers,
        List<(Offer Offer, string Reason, int ConstraintIndex)> failures)
    {
        if (offers.Count == 0) return NoOffers;
        var agents = failures.Select(f => f.Offer.AgentId).Distinct(StringComparer.Ordinal).Count();
        var byConstraint = failures.Select(f => f.ConstraintIndex).Distinct().ToList();
        if (byConstraint.Count == 1 && byConstraint[0] >= 0) return constraints[byConstraint[0]].Summary(agents);
        var need = $"cpus={scalars.Cpus:0.###} mem={scalars.MemMb}MiB disk={scalars.DiskMb}MiB ports={app.Ports}";
        return $"no offer fits {need}: " + string.Join("; ", failures.Select(f => $"{f.Offer.Hostname}: {f.Reason}"));
    }
}
