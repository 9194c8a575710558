namespace MiniMesos.Core.Allocation;

/// <summary>
/// Allocator knobs. MinCpus/MinMemMb mirror Mesos's MIN_CPUS/MIN_MEM: an agent with less than both
/// free is not worth an offer.
/// </summary>
internal sealed record AllocatorOptions(
    long OfferTimeoutMs = 60_000,
    double DefaultRefuseSeconds = 5,
    double MinCpus = 0.01,
    long MinMemMb = 32,
    string OfferIdPrefix = "o-");
