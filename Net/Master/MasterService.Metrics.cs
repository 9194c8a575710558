namespace MiniMesos.Net.Master;

/// <summary>Figures for /metrics that only the master's runtime (not the replicated state) knows.</summary>
internal sealed partial class MasterService
{
    /// <summary>Offers outstanding per external framework in the state (0 for one without offers or before any allocation).</summary>
    public IReadOnlyDictionary<string, int> OutstandingOffersByFramework()
    {
        lock (_gate)
        {
            var counts = _state.Frameworks.Keys.ToDictionary(id => id, _ => 0, StringComparer.Ordinal);
            foreach (var offer in _feed?.Allocator.OutstandingOffers ?? [])
                counts[offer.FrameworkId] = counts.GetValueOrDefault(offer.FrameworkId) + 1;
            return counts;
        }
    }
}
