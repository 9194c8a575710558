using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace MiniMesos.Net.AppDns;

/// <summary>
/// Addresses of agents and masters for the app DNS. A host given as an IP address is that address; a host name is
/// resolved with the system resolver (/etc/hosts, the LAN's DNS), in the background: a lookup never blocks an answer,
/// a name not resolved yet has no address (its instances are left out until it resolves) and is looked up again every
/// <see cref="Refresh"/>. Lookups go on the thread pool, one at a time per name.
/// </summary>
internal sealed class HostAddressBook(TimeProvider time)
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(30);
    private const int MaxNames = 4096;

    private readonly ConcurrentDictionary<string, Entry> _names = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Raised when a lookup brought different addresses: the zone is rebuilt.</summary>
    public event Action? Changed;

    public IReadOnlyList<IPAddress> Lookup(string host)
    {
        if (IPAddress.TryParse(host, out var literal)) return [literal];
        if (host.Length == 0) return [];
        var now = time.GetTimestamp();
        var entry = _names.GetOrAdd(host, _ => new Entry());
        if (_names.Count > MaxNames) _names.Clear();
        if (Interlocked.CompareExchange(ref entry.InFlight, 1, 0) == 0)
        {
            if (entry.ResolvedAt is { } at && time.GetElapsedTime(at, now) < Refresh) Volatile.Write(ref entry.InFlight, 0);
            else _ = ResolveAsync(host, entry, now);
        }
        return entry.Addresses;
    }

    private async Task ResolveAsync(string host, Entry entry, long startedAt)
    {
        IReadOnlyList<IPAddress> found;
        try
        {
            found = [.. (await System.Net.Dns.GetHostAddressesAsync(host).ConfigureAwait(false))
                .Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6).Distinct()];
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            found = [];
        }
        var changed = !found.SequenceEqual(entry.Addresses);
        entry.Addresses = found;
        entry.ResolvedAt = startedAt;
        Volatile.Write(ref entry.InFlight, 0);
        if (changed) Changed?.Invoke();
    }

    private sealed class Entry
    {
        public volatile IReadOnlyList<IPAddress> Addresses = [];
        public long? ResolvedAt;
        public int InFlight;
    }
}
