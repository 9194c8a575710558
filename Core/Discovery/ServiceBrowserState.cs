using System.Net;
using MiniMesos.Core.Dns;

namespace MiniMesos.Core.Discovery;

/// <summary>
/// The protocol decisions of a DNS-SD browser (RFC 6763 §4) without I/O: which queries to send (continuous
/// querying with doubling intervals and known answers, RFC 6762 §5.2 and §7.1; refreshes at 80-95% of TTL;
/// resolving SRV/TXT/addresses that did not come as additionals) and which instances appeared, changed or
/// went away. A cluster filter hides instances whose TXT names another cluster.
/// </summary>
internal sealed class ServiceBrowserState(DnsName serviceType, string? clusterFilter = null)
{
    private static readonly TimeSpan FirstInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromMinutes(60);
    private static readonly TimeSpan ResolveRetry = TimeSpan.FromSeconds(1);
    private static readonly double[] RefreshPoints = [0.80, 0.85, 0.90, 0.95];

    private readonly MdnsCache _cache = new();
    private readonly Dictionary<DnsName, DiscoveredService> _visible = [];
    private readonly Dictionary<(DnsName, ushort), DateTimeOffset> _lastResolve = [];
    private TimeSpan _interval = FirstInterval;
    private DateTimeOffset? _nextBrowse;

    public IReadOnlyCollection<DiscoveredService> Visible => _visible.Values;

    public MdnsCache Cache => _cache;

    /// <summary>When <see cref="Tick"/> should next run.</summary>
    public DateTimeOffset? NextWake(DateTimeOffset now)
    {
        var next = MdnsCache.Earliest(MdnsCache.Earliest(_nextBrowse, _cache.NextExpiry), NextRefresh());
        return MissingForResolution(now).Any() ? MdnsCache.Earliest(next, now + ResolveRetry) : next;
    }

    public BrowserStep Start(DateTimeOffset now)
    {
        _nextBrowse = now;
        return Tick(now);
    }

    public BrowserStep Receive(DnsMessage message, DateTimeOffset now)
    {
        // Only responses feed the cache; known answers inside others' queries are not authoritative.
        if (!message.Header.IsResponse || message.Header.Opcode != 0) return BrowserStep.None;
        // Cache only what can resolve our service type, so other services on a busy LAN cost nothing.
        var targets = message.AllRecords
            .Where(r => r.Data is SrvRecordData && IsUnderServiceType(r.Name))
            .Select(r => ((SrvRecordData)r.Data).Target)
            .ToHashSet();
        var relevant = false;
        foreach (var r in message.AllRecords)
        {
            var wanted = r.Name == serviceType || IsUnderServiceType(r.Name) ||
                         (r.Type is DnsType.A or DnsType.Aaaa && (targets.Contains(r.Name) || IsSrvTarget(r.Name, now)));
            if (!wanted) continue;
            _cache.Add(r, now);
            relevant = true;
        }
        return relevant ? new BrowserStep(Reconcile(now), []) : BrowserStep.None;
    }

    public BrowserStep Tick(DateTimeOffset now)
    {
        _cache.Expire(now);
        var questions = new List<DnsQuestion>();
        var known = new List<DnsRecord>();
        if (_nextBrowse is { } at && now >= at)
        {
            questions.Add(new DnsQuestion(serviceType, DnsType.Ptr));
            known.AddRange(_cache.KnownAnswers(serviceType, DnsType.Ptr, now));
            _nextBrowse = now + _interval;
            _interval = _interval * 2 > MaxInterval ? MaxInterval : _interval * 2;
        }
        foreach (var e in _cache.All.Where(e => DueForRefresh(e, now) && IsInteresting(e.Record)).ToList())
        {
            e.RefreshesSent++;
            AddQuestion(questions, e.Record.Name, e.Record.Type);
        }
        // Bounded by what is still unresolved, not by all names ever seen. (Removing while enumerating a Dictionary is allowed.)
        foreach (var (key, asked) in _lastResolve)
        {
            if (now - asked > ResolveRetry * 10) _lastResolve.Remove(key);
        }
        foreach (var (name, type) in MissingForResolution(now))
        {
            if (_lastResolve.TryGetValue((name, type), out var last) && now - last < ResolveRetry) continue;
            _lastResolve[(name, type)] = now;
            AddQuestion(questions, name, type);
        }
        var events = Reconcile(now);
        return new BrowserStep(events, questions.Count == 0 ? [] : [FittedQuery(questions, known)]);
    }

    /// <summary>
    /// Drops known answers until the query fits one mDNS packet. Responders then repeat a few answers we
    /// already have, which is harmless; a datagram too big to send would lose the whole query.
    /// </summary>
    private static DnsMessage FittedQuery(List<DnsQuestion> questions, List<DnsRecord> known)
    {
        var query = DnsMessage.Query(questions, known);
        while (known.Count > 0 && query.Encode().Length > MdnsProtocol.MaxPacketBytes)
        {
            known = known[..(known.Count / 2)];
            query = DnsMessage.Query(questions, known);
        }
        return query;
    }

    private bool IsUnderServiceType(DnsName name) => name.Labels.Count > 0 && name.Suffix(1) == serviceType;

    private bool IsSrvTarget(DnsName host, DateTimeOffset now) =>
        PtrTargets(now).Any(i => LiveSrv(i, now) is { } srv && srv.Target == host);

    private static void AddQuestion(List<DnsQuestion> questions, DnsName name, ushort type)
    {
        if (!questions.Any(q => q.Name == name && q.Type == type)) questions.Add(new DnsQuestion(name, type));
    }

    private bool IsInteresting(DnsRecord r) =>
        (r.Type == DnsType.Ptr && r.Name == serviceType) ||
        (r.Type is DnsType.Srv or DnsType.Txt && r.Name.Labels.Count > 0 && r.Name.Suffix(1) == serviceType) ||
        (r.Type is DnsType.A or DnsType.Aaaa && _visible.Values.Any(v => v.HostName == r.Name.ToString()));

    private static bool DueForRefresh(MdnsCacheEntry e, DateTimeOffset now) =>
        e.Record.Ttl > 0 && e.RefreshesSent < RefreshPoints.Length &&
        now >= e.ReceivedAt + TimeSpan.FromSeconds(e.Record.Ttl * RefreshPoints[e.RefreshesSent]);

    private DateTimeOffset? NextRefresh()
    {
        DateTimeOffset? next = null;
        foreach (var e in _cache.All)
            if (e.Record.Ttl > 0 && e.RefreshesSent < RefreshPoints.Length && IsInteresting(e.Record))
                next = MdnsCache.Earliest(next, e.ReceivedAt + TimeSpan.FromSeconds(e.Record.Ttl * RefreshPoints[e.RefreshesSent]));
        return next;
    }

    private List<DnsName> PtrTargets(DateTimeOffset now) =>
        [.. _cache.Get(serviceType, DnsType.Ptr, now).Where(e => e.Record.Ttl > 0).Select(e => ((PtrRecordData)e.Record.Data).Target).Distinct()];

    private IEnumerable<(DnsName, ushort)> MissingForResolution(DateTimeOffset now)
    {
        foreach (var instance in PtrTargets(now))
        {
            var srv = LiveSrv(instance, now);
            if (srv is null) yield return (instance, DnsType.Srv);
            if (LiveTxt(instance, now) is null) yield return (instance, DnsType.Txt);
            if (srv is not null && Addresses(srv.Target, now).Count == 0) yield return (srv.Target, DnsType.A);
        }
    }

    // The newest wins: a flushed predecessor lingers for a second (RFC 6762 §10.2) but is already stale.
    private SrvRecordData? LiveSrv(DnsName instance, DateTimeOffset now) =>
        _cache.Get(instance, DnsType.Srv, now).Where(e => e.Record.Ttl > 0).OrderByDescending(e => e.ReceivedAt).Select(e => (SrvRecordData)e.Record.Data).FirstOrDefault();

    private TxtRecordData? LiveTxt(DnsName instance, DateTimeOffset now) =>
        _cache.Get(instance, DnsType.Txt, now).Where(e => e.Record.Ttl > 0).OrderByDescending(e => e.ReceivedAt).Select(e => (TxtRecordData)e.Record.Data).FirstOrDefault();

    private List<IPAddress> Addresses(DnsName host, DateTimeOffset now) =>
        [.. _cache.Get(host, DnsType.A, now).Concat(_cache.Get(host, DnsType.Aaaa, now))
            .Where(e => e.Record.Ttl > 0)
            .Select(e => ((AddressRecordData)e.Record.Data).Address)
            .Distinct()
            .OrderBy(a => a.AddressFamily).ThenBy(a => a.ToString(), StringComparer.Ordinal)];

    /// <summary>
    /// An instance is visible while its PTR, SRV, TXT and at least one address are live (records with TTL 0
    /// are goodbyes: treated as gone at once, though the cache keeps them a second).
    /// </summary>
    private List<DiscoveryEvent> Reconcile(DateTimeOffset now)
    {
        var current = new Dictionary<DnsName, DiscoveredService>();
        foreach (var instance in PtrTargets(now))
        {
            if (instance.Labels.Count == 0 || instance.Suffix(1) != serviceType) continue;
            var srv = LiveSrv(instance, now);
            var txt = LiveTxt(instance, now);
            if (srv is null || txt is null) continue;
            var addresses = Addresses(srv.Target, now);
            if (addresses.Count == 0) continue;
            var pairs = txt.ToPairs();
            if (clusterFilter is not null &&
                !(pairs.TryGetValue(ServiceInstance.ClusterKey, out var c) && c == clusterFilter)) continue;
            current[instance] = new DiscoveredService(instance.Labels[0], srv.Target.ToString(), srv.Port, addresses, pairs);
        }
        var events = new List<DiscoveryEvent>();
        foreach (var (name, old) in _visible.ToList())
        {
            if (current.ContainsKey(name)) continue;
            _visible.Remove(name);
            events.Add(new DiscoveryEvent(DiscoveryEventKind.Removed, old, now));
        }
        foreach (var (name, service) in current)
        {
            if (!_visible.TryGetValue(name, out var old))
            {
                events.Add(new DiscoveryEvent(DiscoveryEventKind.Found, service, now));
            }
            else if (!old.SameAs(service))
            {
                events.Add(new DiscoveryEvent(DiscoveryEventKind.Updated, service, now));
            }
            _visible[name] = service;
        }
        return events;
    }
}
