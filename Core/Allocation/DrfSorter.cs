using MiniMesos.Core.Model;

namespace MiniMesos.Core.Allocation;

/// <summary>
/// Dominant Resource Fairness (Ghodsi et al., NSDI 2011) as a sorter: policy only, it decides who is
/// offered first and knows nothing about agents or offers. A client (framework or role) with weight w
/// is compared by dominant share / w, so weight 2 entitles it to twice the share of weight 1.
/// Ties break by allocation count then name, so the order is deterministic.
/// </summary>
internal sealed class DrfSorter
{
    private readonly SortedDictionary<string, Client> _clients = new(StringComparer.Ordinal);
    private Resources _total = new(0, 0);

    private sealed class Client(double weight)
    {
        public double Weight = weight;
        public Resources Allocated = new(0, 0);
        public long Allocations;
    }

    public IReadOnlyCollection<string> Clients => _clients.Keys;

    public void Add(string client, double weight = 1.0)
    {
        if (!(weight > 0)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "weight must be > 0");
        if (_clients.TryGetValue(client, out var existing)) existing.Weight = weight;
        else _clients[client] = new Client(weight);
    }

    public void Remove(string client) => _clients.Remove(client);

    public bool Contains(string client) => _clients.ContainsKey(client);

    /// <summary>The pool the shares are relative to (the sum of every agent's total).</summary>
    public void SetTotal(Resources total) => _total = total;

    public void Allocated(string client, Resources resources)
    {
        var c = _clients[client];
        c.Allocated += resources;
        c.Allocations++;
    }

    public void Unallocated(string client, Resources resources)
    {
        if (!_clients.TryGetValue(client, out var c)) return;
        c.Allocated -= resources;
        // Float cpus must not drift below zero after many add/subtract cycles.
        if (c.Allocated.Cpus < 1e-9) c.Allocated = c.Allocated with { Cpus = 0 };
    }

    public Resources AllocationOf(string client) => _clients[client].Allocated;

    public double WeightOf(string client) => _clients[client].Weight;

    /// <summary>max over resources of allocated/total, divided by the client's weight.</summary>
    public double Share(string client)
    {
        var c = _clients[client];
        double share = 0;
        if (_total.Cpus > 0) share = Math.Max(share, c.Allocated.Cpus / _total.Cpus);
        if (_total.MemMb > 0) share = Math.Max(share, (double)c.Allocated.MemMb / _total.MemMb);
        if (_total.DiskMb > 0) share = Math.Max(share, (double)c.Allocated.DiskMb / _total.DiskMb);
        return share / c.Weight;
    }

    /// <summary>Clients, lowest weighted dominant share first.</summary>
    public IReadOnlyList<string> Sort() =>
        _clients.Keys
            .Select(name => (name, share: Share(name), count: _clients[name].Allocations))
            .OrderBy(x => x.share).ThenBy(x => x.count).ThenBy(x => x.name, StringComparer.Ordinal)
            .Select(x => x.name).ToList();
}
