using MiniMesos.Core.Dns;

namespace MiniMesos.Core.Discovery;

/// <summary>
/// Records heard from the network, with expiry (RFC 6762 §10): TTL 0 means "gone in one second"; a
/// cache-flush record replaces older records of the same name and type one second later. Pure: the caller
/// passes the time.
/// </summary>
internal sealed class MdnsCache
{
    private const int MaxEntries = 4096;   // a hostile LAN must not grow us without bound

    private readonly Dictionary<(DnsName Name, ushort Type, ushort Class), List<MdnsCacheEntry>> _sets = [];
    private int _count;

    public int Count => _count;

    public void Add(DnsRecord record, DateTimeOffset now)
    {
        var key = (record.Name, record.Type, record.Class);
        if (!_sets.TryGetValue(key, out var set))
        {
            if (record.Ttl == 0) return;
            _sets[key] = set = [];
        }
        var flushBefore = now - MdnsProtocol.GoodbyeGrace;
        if (record.CacheFlush)
        {
            for (var i = 0; i < set.Count; i++)
            {
                var e = set[i];
                if (e.ReceivedAt < flushBefore && !e.Record.SameRecord(record) && e.ExpiresAt > now + MdnsProtocol.GoodbyeGrace)
                {
                    set[i] = e with { ExpiresAt = now + MdnsProtocol.GoodbyeGrace };
                }
            }
        }
        var existing = set.FindIndex(e => e.Record.SameRecord(record));
        var expires = record.Ttl == 0 ? now + MdnsProtocol.GoodbyeGrace : now + TimeSpan.FromSeconds(record.Ttl);
        var entry = new MdnsCacheEntry(record, now, expires);
        if (existing >= 0)
        {
            set[existing] = entry;
        }
        else if (record.Ttl > 0 && _count < MaxEntries)
        {
            set.Add(entry);
            _count++;
        }
    }

    /// <summary>Live records of one name and type.</summary>
    public IReadOnlyList<MdnsCacheEntry> Get(DnsName name, ushort type, DateTimeOffset now) =>
        _sets.TryGetValue((name, type, DnsType.ClassIn), out var set) ? [.. set.Where(e => e.ExpiresAt > now)] : [];

    public IEnumerable<MdnsCacheEntry> All => _sets.Values.SelectMany(s => s);

    /// <summary>Known answers for a query: records with more than half their TTL left (RFC 6762 §7.1).</summary>
    public IReadOnlyList<DnsRecord> KnownAnswers(DnsName name, ushort type, DateTimeOffset now) =>
        [.. Get(name, type, now).Where(e => e.RemainingTtl(now) > e.Record.Ttl / 2).Select(e => e.Record with { Ttl = e.RemainingTtl(now) })];

    /// <summary>Drops expired records and returns them.</summary>
    public IReadOnlyList<DnsRecord> Expire(DateTimeOffset now)
    {
        var removed = new List<DnsRecord>();
        foreach (var (key, set) in _sets.ToList())
        {
            removed.AddRange(set.Where(e => e.ExpiresAt <= now).Select(e => e.Record));
            _count -= set.RemoveAll(e => e.ExpiresAt <= now);
            if (set.Count == 0) _sets.Remove(key);
        }
        return removed;
    }

    public DateTimeOffset? NextExpiry
    {
        get
        {
            DateTimeOffset? next = null;
            foreach (var set in _sets.Values)
                foreach (var entry in set) next = Earliest(next, entry.ExpiresAt);
            return next;
        }
    }

    /// <summary>The earlier of two times, either of which may be missing (the first of equals); a loop's LINQ <c>Min</c>
    /// over <c>DateTimeOffset?</c> would instantiate its iterators for that type (docs/size.md).</summary>
    public static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : b.Value < a.Value ? b : a;
}
