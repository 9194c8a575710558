namespace MiniMesos.Core.Allocation;

/// <summary>What one allocation pass produced: new offers (one per agent and framework) and rescinds.</summary>
internal sealed record AllocationRound(IReadOnlyList<Offer> Offers, IReadOnlyList<Rescind> Rescinded);
