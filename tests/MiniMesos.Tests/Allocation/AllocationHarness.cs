using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;

namespace MiniMesos.Tests.Allocation;

/// <summary>
/// Drives an <see cref="Allocator"/> with a fake clock and records every offer and rescind it produces,
/// so tests assert on the plan rather than on internals.
/// </summary>
internal sealed class AllocationHarness
{
    public long NowMs { get; private set; }
    public Allocator Allocator { get; }
    public List<Offer> OfferLog { get; } = [];
    public List<Rescind> RescindLog { get; } = [];

    public AllocationHarness(AllocatorOptions? options = null) => Allocator = new Allocator(options);

    public static AgentRecord Agent(string id, double cpus, long memMb, params (string Key, string Value)[] attributes) =>
        new(id, id + ".local", new Resources(cpus, memMb), attributes.ToDictionary(a => a.Key, a => a.Value), 0);

    public void Advance(long ms) => NowMs += ms;

    public AllocationRound Round()
    {
        var round = Allocator.Allocate(NowMs);
        OfferLog.AddRange(round.Offers);
        RescindLog.AddRange(round.Rescinded);
        return round;
    }

    public static ResourceSet Res(double cpus, long mem, string? ports = null) =>
        new(new Resources(cpus, mem), ports is null ? PortRanges.Empty : PortRanges.Parse(ports));
}
