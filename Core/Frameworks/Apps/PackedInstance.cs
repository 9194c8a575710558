using MiniMesos.Core.Allocation;

namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>One instance placed by <see cref="OfferPacker"/>: the offer, the resources it takes and its host ports.</summary>
internal sealed record PackedInstance(Offer Offer, ResourceSet Resources, IReadOnlyList<int> Ports);
