namespace MiniMesos.Core.Routing;

/// <summary>
/// Chooses the instance a new connection goes to: round robin, or the one with the fewest open connections (ties in
/// turn). An instance that refused a connection is passed over for <see cref="FailurePenaltyMs"/> unless every instance
/// did (then they are tried anyway: a stale mark must not black-hole a service). Thread-safe; the clock is passed in.
/// </summary>
internal sealed class EndpointPicker(BalanceMode mode)
{
    public const long FailurePenaltyMs = 2000;

    private readonly object _gate = new();
    private readonly Dictionary<ServiceEndpoint, int> _open = [];
    private readonly Dictionary<ServiceEndpoint, long> _failedAt = [];
    private long _turn;

    public BalanceMode Mode => mode;

    /// <summary>The instance to try next among <paramref name="endpoints"/>, skipping those in <paramref name="tried"/>; null when none is left.</summary>
    public ServiceEndpoint? Pick(IReadOnlyList<ServiceEndpoint> endpoints, IReadOnlyCollection<ServiceEndpoint> tried, long nowMs)
    {
        lock (_gate)
        {
            ServiceEndpoint? best = null;
            var bestOpen = int.MaxValue;
            var bestPenalised = true;
            var start = (int)(_turn++ % Math.Max(1, endpoints.Count));
            for (var k = 0; k < endpoints.Count; k++)
            {
                var e = endpoints[(start + k) % endpoints.Count];
                if (tried.Contains(e)) continue;
                var penalised = _failedAt.TryGetValue(e, out var at) && nowMs - at < FailurePenaltyMs;
                var open = mode == BalanceMode.LeastConnections ? _open.GetValueOrDefault(e) : 0;
                // Prefer instances without a recent failure; among them the fewest open connections (round robin: the first in turn).
                if (best is null || (bestPenalised && !penalised) || (penalised == bestPenalised && open < bestOpen))
                {
                    best = e;
                    bestOpen = open;
                    bestPenalised = penalised;
                }
            }
            return best;
        }
    }

    /// <summary>A connection to <paramref name="endpoint"/> is open (it counts for least connections until <see cref="Closed"/>).</summary>
    public void Opened(ServiceEndpoint endpoint)
    {
        lock (_gate)
        {
            _open[endpoint] = _open.GetValueOrDefault(endpoint) + 1;
            _failedAt.Remove(endpoint);
        }
    }

    public void Closed(ServiceEndpoint endpoint)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(endpoint, out var n) && n > 1) _open[endpoint] = n - 1;
            else _open.Remove(endpoint);
        }
    }

    /// <summary>A connect to <paramref name="endpoint"/> failed: it is passed over for a while.</summary>
    public void Failed(ServiceEndpoint endpoint, long nowMs)
    {
        lock (_gate) _failedAt[endpoint] = nowMs;
    }

    /// <summary>Forgets failure marks of instances no longer in any route (bounded memory).</summary>
    public void Retain(IEnumerable<ServiceEndpoint> current)
    {
        lock (_gate)
        {
            var keep = current.ToHashSet();
            foreach (var e in _failedAt.Keys.Where(e => !keep.Contains(e)).ToList()) _failedAt.Remove(e);
        }
    }
}
