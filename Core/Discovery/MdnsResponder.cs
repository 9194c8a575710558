using System.Net;
using MiniMesos.Core.Dns;

namespace MiniMesos.Core.Discovery;

/// <summary>
/// The protocol decisions of one advertisement, free of I/O and clocks: callers pass the time and get back
/// packets to send. Probing (3 probes 250 ms apart; none for a <see cref="ServiceInstance.RandomName"/>), announcing, conflict renaming ("name (2)"), answering
/// with known-answer suppression and the one-second multicast limit, goodbyes. Not thread-safe: one loop drives it.
/// </summary>
internal sealed class MdnsResponder
{
    private const int MaxConflictsBeforeBackoff = 15;
    private static readonly TimeSpan ConflictWindow = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ConflictBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LostTieBreakDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetiredGrace = TimeSpan.FromSeconds(5);

    private readonly Random _random;
    private readonly Dictionary<DnsRecord, DateTimeOffset> _lastMulticast = [];
    private readonly List<DateTimeOffset> _recentConflicts = [];
    private readonly List<(DnsRecord Record, DateTimeOffset Until)> _retired = [];
    private readonly List<DnsRecord> _pending = [];
    private ServiceInstance _instance;
    private int _probesSent;
    private int _announcementsSent;
    private DateTimeOffset? _nextAt;
    private DateTimeOffset? _pendingDue;

    public MdnsResponder(ServiceInstance instance, Random? random = null)
    {
        _instance = instance;
        _random = random ?? Random.Shared;
        Records = new AdvertisedRecords(instance, instance.InstanceName, instance.HostLabel ?? MdnsNaming.HostLabelFor(instance.InstanceName));
    }

    public MdnsResponderPhase Phase { get; private set; } = MdnsResponderPhase.Idle;

    public AdvertisedRecords Records { get; private set; }

    /// <summary>When <see cref="Tick"/> should next be called; null when only incoming packets matter.</summary>
    public DateTimeOffset? NextWake => _pendingDue is { } due && (_nextAt is null || due < _nextAt) ? due : _nextAt;

    /// <summary>Number of name conflicts seen so far (each one renamed the advertisement).</summary>
    public int Conflicts { get; private set; }

    public IReadOnlyList<MdnsSend> Start(DateTimeOffset now)
    {
        if (Phase != MdnsResponderPhase.Idle) throw new InvalidOperationException("already started");
        // RFC 6762 §8.1: a random 0-250 ms delay before the first probe spreads simultaneous starts. A name no one else can
        // hold (ServiceInstance.RandomName) keeps the delay but skips the probes: announced then; conflicts are still handled
        // (§9). The delay also lets peers started at the same moment open their browsers first: an announcement nobody
        // hears is repeated only a second later, and queries meanwhile get no multicast answer (the one-second rule, §6).
        var first = now + _random.NextDouble() * MdnsProtocol.MaxInitialProbeDelay;
        if (_instance.RandomName)
        {
            Phase = MdnsResponderPhase.Announcing;
            _announcementsSent = 0;
            _nextAt = first;
            return Tick(now);
        }
        BeginProbing(first);
        return Tick(now);
    }

    public IReadOnlyList<MdnsSend> Tick(DateTimeOffset now)
    {
        var sends = new List<MdnsSend>();
        while (_nextAt is { } at && now >= at)
        {
            switch (Phase)
            {
                case MdnsResponderPhase.Probing when _probesSent < MdnsProtocol.ProbeCount:
                    sends.Add(new MdnsSend(Probe()));
                    _probesSent++;
                    _nextAt = at + MdnsProtocol.ProbeInterval;
                    break;
                case MdnsResponderPhase.Probing:
                    Phase = MdnsResponderPhase.Announcing;
                    _announcementsSent = 0;
                    goto case MdnsResponderPhase.Announcing;
                case MdnsResponderPhase.Announcing:
                    sends.Add(Announce(now));
                    _announcementsSent++;
                    // RFC 6762 §8.3: one second apart, then doubling.
                    _nextAt = _announcementsSent < MdnsProtocol.AnnouncementCount
                        ? now + TimeSpan.FromSeconds(1 << (_announcementsSent - 1))
                        : null;
                    if (_nextAt is null) Phase = MdnsResponderPhase.Announced;
                    break;
                default:
                    _nextAt = null;
                    break;
            }
        }
        if (_pendingDue is { } due && now >= due) sends.AddRange(FlushPending(now));
        return sends;
    }

    /// <summary>Handles one received message: may answer it, or detect a conflict and rename.</summary>
    public IReadOnlyList<MdnsSend> Receive(DnsMessage message, IPEndPoint source, DateTimeOffset now)
    {
        if (Phase is MdnsResponderPhase.Idle or MdnsResponderPhase.Stopped) return [];
        if (message.Header.Opcode != 0) return [];
        if (message.Header.IsResponse) return ReceiveResponse(message, now);
        if (Phase == MdnsResponderPhase.Probing)
        {
            ReceiveProbeWhileProbing(message, now);
            return [];
        }
        return Respond(message, source, now);
    }

    /// <summary>New addresses, port or TXT: goodbye for records that vanish, then announce again (RFC 6762 §8.4).</summary>
    public IReadOnlyList<MdnsSend> Update(ServiceInstance instance, DateTimeOffset now)
    {
        var old = Records;
        Records = new AdvertisedRecords(instance, old.InstanceLabel, old.HostLabel);   // throws before any change
        _instance = instance;
        ClearPending();
        if (Phase is MdnsResponderPhase.Idle or MdnsResponderPhase.Stopped or MdnsResponderPhase.Probing) return [];
        // Goodbye only for what vanishes entirely: a unique record replaced by a new value (new port, one of two
        // addresses) is flushed by the announcement's cache-flush bit instead, so browsers never see a gap.
        var gone = old.All
            .Where(r => !Records.Holds(r))
            .Where(r => !r.CacheFlush || !Records.All.Any(n => n.Name == r.Name && n.Type == r.Type))
            .Select(r => r with { Ttl = 0 })
            .ToList();
        // Our own earlier announcements may still be in flight back to us: they are not conflicts.
        _retired.RemoveAll(x => x.Until < now);
        _retired.AddRange(old.All.Where(r => !Records.Holds(r)).Select(r => (r, now + RetiredGrace)));
        var sends = new List<MdnsSend>();
        if (gone.Count > 0) sends.Add(new MdnsSend(DnsMessage.Response(gone)));
        Phase = MdnsResponderPhase.Announcing;
        _announcementsSent = 0;
        _nextAt = now;
        sends.AddRange(Tick(now));
        return sends;
    }

    /// <summary>
    /// Goodbye: our records with TTL 0 (RFC 6762 §10.1), so browsers drop us at once. The service-type
    /// enumeration PTR is left out: other instances on the LAN may still offer the type.
    /// </summary>
    public IReadOnlyList<MdnsSend> Stop()
    {
        var wasAnnounced = Phase is MdnsResponderPhase.Announcing or MdnsResponderPhase.Announced;
        Phase = MdnsResponderPhase.Stopped;
        _nextAt = null;
        ClearPending();
        if (!wasAnnounced) return [];
        var goodbye = Records.All.Where(r => r.Type != DnsType.Nsec && r != Records.ServicesMeta).Select(r => r with { Ttl = 0 }).ToList();
        return [new MdnsSend(DnsMessage.Response(goodbye))];
    }

    private bool IsRetired(DnsRecord r, DateTimeOffset now) => _retired.Any(x => x.Until >= now && x.Record.SameRecord(r));

    private void BeginProbing(DateTimeOffset firstProbeAt)
    {
        Phase = MdnsResponderPhase.Probing;
        _probesSent = 0;
        _nextAt = firstProbeAt;
    }

    /// <summary>
    /// RFC 6762 §8.1 suggests the QU bit on probes; we leave it off so defences come multicast. A node runs a
    /// browser next to its advertiser, both on port 5353, and the kernel hands a unicast reply to only one of
    /// the two sockets: a defence delivered to the browser would go unheard (seen in the lab).
    /// </summary>
    private DnsMessage Probe() => DnsMessage.Query(
        [new DnsQuestion(Records.InstanceName, DnsType.Any), new DnsQuestion(Records.HostName, DnsType.Any)],
        authorities: Records.ProbeAuthorities);

    private MdnsSend Announce(DateTimeOffset now)
    {
        foreach (var r in Records.All) _lastMulticast[r] = now;
        return new MdnsSend(DnsMessage.Response(Records.All));
    }

    private IReadOnlyList<MdnsSend> ReceiveResponse(DnsMessage message, DateTimeOffset now)
    {
        // Duplicate answer suppression (RFC 6762 §7.4): someone already multicast what we were about to.
        _pending.RemoveAll(p => message.Answers.Any(a => a.SameRecord(p) && a.Ttl >= p.Ttl / 2));
        // Someone else answers with a different record under one of our unique names: a conflict
        // (RFC 6762 §8.1 while probing, §9 afterwards). Our own echoes and goodbyes are not.
        var conflict = message.Answers.Concat(message.Additionals)
            .Any(r => r.Ttl > 0 && Records.OwnsName(r.Name) && !Records.Holds(r) && !IsRetired(r, now));
        if (!conflict) return [];
        if (Phase is MdnsResponderPhase.Announcing or MdnsResponderPhase.Announced)
        {
            // RFC 6762 §9: probe the same name again rather than rename at once. After a partition heals, the
            // side that keeps the name is then decided by defence and tie-break, not by both renaming. No
            // goodbye: the shared PTR would also withdraw the other owner's identical one.
            _lastMulticast.Clear();
            ClearPending();
            BeginProbing(now);
        }
        else
        {
            Rename(now);
        }
        return Tick(now);
    }

    private void ReceiveProbeWhileProbing(DnsMessage message, DateTimeOffset now)
    {
        foreach (var name in new[] { Records.InstanceName, Records.HostName })
        {
            if (!message.Questions.Any(q => q.Name == name)) continue;
            var theirs = message.Authorities.Where(r => r.Name == name).ToList();
            if (theirs.Count == 0) continue;
            var ours = Records.ProbeAuthorities.Where(r => r.Name == name);
            if (AdvertisedRecords.CompareProbes(ours, theirs) < 0)
            {
                // Simultaneous probe and we lost: wait a second and probe again (RFC 6762 §8.2).
                BeginProbing(now + LostTieBreakDelay);
                return;
            }
        }
    }

    private void Rename(DateTimeOffset now)
    {
        Conflicts++;
        _recentConflicts.Add(now);
        _recentConflicts.RemoveAll(t => now - t > ConflictWindow);
        Records = new AdvertisedRecords(_instance, MdnsNaming.NextInstanceName(Records.InstanceLabel), MdnsNaming.NextHostLabel(Records.HostLabel));
        _lastMulticast.Clear();
        ClearPending();
        // RFC 6762 §8.1: after 15 conflicts in 10 s, wait 5 s before probing again.
        BeginProbing(_recentConflicts.Count > MaxConflictsBeforeBackoff ? now + ConflictBackoff : now);
    }

    private IReadOnlyList<MdnsSend> Respond(DnsMessage query, IPEndPoint source, DateTimeOffset now)
    {
        var legacy = source.Port != MdnsProtocol.Port;
        var isProbe = query.Authorities.Count > 0;
        var multicast = new List<DnsRecord>();
        var unicast = new List<DnsRecord>();
        foreach (var q in query.Questions)
        {
            foreach (var r in Records.Answer(q))
            {
                // Known-answer suppression (RFC 6762 §7.1): the querier already holds it with at least half its TTL.
                if (query.Answers.Any(k => k.SameRecord(r) && k.Ttl >= r.Ttl / 2)) continue;
                var recentlyMulticast = _lastMulticast.TryGetValue(r, out var last) ? now - last : TimeSpan.MaxValue;
                // Probe defence is always multicast: a unicast reply could reach another socket sharing port 5353.
                if (legacy || (q.UnicastResponse && !isProbe && recentlyMulticast < TimeSpan.FromSeconds(r.Ttl / 4.0)))
                {
                    unicast.Add(r);
                }
                else if (isProbe || recentlyMulticast >= MdnsProtocol.MinMulticastInterval)
                {
                    // At most one multicast per record per second, except to defend against a probe (§6).
                    multicast.Add(r);
                }
            }
        }
        var sends = new List<MdnsSend>();
        multicast = [.. multicast.Distinct()];
        unicast = [.. unicast.Distinct()];
        if (multicast.Count > 0 && !isProbe && multicast.Any(r => !r.CacheFlush))
        {
            // Shared answers (PTR) may come from many responders at once: wait 20-120 ms (RFC 6762 §6),
            // gathering what other queries ask in the meantime into the same packet.
            _pending.AddRange(multicast.Where(r => !_pending.Contains(r)));
            var due = now + TimeSpan.FromMilliseconds(20 + 100 * _random.NextDouble());
            if (_pendingDue is null || due < _pendingDue) _pendingDue = due;
        }
        else if (multicast.Count > 0)
        {
            var extra = Records.AdditionalsFor(multicast);
            foreach (var r in multicast.Concat(extra)) _lastMulticast[r] = now;
            sends.Add(new MdnsSend(DnsMessage.Response(multicast, extra)));
        }
        if (unicast.Count > 0)
        {
            var extra = Records.AdditionalsFor(unicast);
            sends.Add(new MdnsSend(legacy ? LegacyResponse(query, unicast, extra) : DnsMessage.Response(unicast, extra), source));
        }
        return sends;
    }

    private IReadOnlyList<MdnsSend> FlushPending(DateTimeOffset now)
    {
        // Records multicast since they were queued (e.g. to defend a probe) still obey the one-second limit.
        var answers = _pending.Where(r => !_lastMulticast.TryGetValue(r, out var last) || now - last >= MdnsProtocol.MinMulticastInterval).ToList();
        ClearPending();
        if (answers.Count == 0) return [];
        var extra = Records.AdditionalsFor(answers);
        foreach (var r in answers.Concat(extra)) _lastMulticast[r] = now;
        return [new MdnsSend(DnsMessage.Response(answers, extra))];
    }

    private void ClearPending()
    {
        _pending.Clear();
        _pendingDue = null;
    }

    /// <summary>RFC 6762 §6.7: a plain DNS client gets its ID and question back, no cache-flush bits, TTL at most 10 s.</summary>
    private static DnsMessage LegacyResponse(DnsMessage query, IReadOnlyList<DnsRecord> answers, IReadOnlyList<DnsRecord> extra)
    {
        static DnsRecord Legacy(DnsRecord r) => r with { CacheFlush = false, Ttl = Math.Min(r.Ttl, 10) };
        return new DnsMessage(new DnsHeader(query.Header.Id, DnsHeader.ResponseFlag | DnsHeader.AuthoritativeFlag),
            query.Questions, [.. answers.Select(Legacy)], [], [.. extra.Select(Legacy)]);
    }
}
