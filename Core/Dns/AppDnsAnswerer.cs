namespace MiniMesos.Core.Dns;

/// <summary>
/// Answers one DNS query about the app zone: a function from the query's bytes and a zone to the response's bytes.
/// Authoritative only (AA set, RA clear, never recursion): a name in the zone gets its records, no-data or NXDOMAIN
/// with the SOA (so resolvers cache the absence for <see cref="AppDnsZone.Ttl"/> s); anything outside it REFUSED.
/// A UDP answer fits 512 bytes, or the requester's EDNS size up to <see cref="MaxUdpPayload"/>: additional records are
/// dropped first, then answers, with TC set so the resolver asks again over TCP.
/// </summary>
internal static class AppDnsAnswerer
{
    /// <summary>The EDNS payload size we accept and advertise: the DNS flag day 2020 value, which avoids IP fragmentation.</summary>
    public const int MaxUdpPayload = 1232;

    private const int ClassicUdpPayload = 512;
    private const int MaxTcpMessage = ushort.MaxValue;
    private const ushort Ixfr = 251;
    private const int BadVersion = 16;

    /// <summary>The response to send, or null when nothing should be sent (a response, or bytes too short to hold a header).</summary>
    public static byte[]? Answer(ReadOnlySpan<byte> packet, AppDnsZone zone, bool tcp)
    {
        DnsMessage query;
        try
        {
            query = DnsMessageReader.Read(packet);
        }
        catch (DnsFormatException)
        {
            // A header we can read earns a FORMERR (RFC 1035 §4.1.1); a response is never answered, or two servers could loop.
            if (packet.Length < 12 || (packet[2] & 0x80) != 0) return null;
            var header = new DnsHeader((ushort)((packet[0] << 8) | packet[1]), (ushort)((packet[2] << 8) | packet[3]));
            return Encode(Reply(header, DnsHeader.FormErr), [], [], [], [], null, tcp ? MaxTcpMessage : ClassicUdpPayload);
        }
        if (query.Header.IsResponse) return null;
        var opts = query.Additionals.Where(r => r.Type == DnsType.Opt).ToList();
        var opt = opts.Count == 1 && opts[0].Name == DnsName.Root ? opts[0] : null;
        var limit = tcp ? MaxTcpMessage : ClassicUdpPayload;
        DnsRecord? responseOpt = null;
        if (opt is not null)
        {
            // The OPT record's class is the requester's UDP payload size (its top bit travels as our cache-flush bit).
            var requested = opt.Class | (opt.CacheFlush ? 0x8000 : 0);
            if (!tcp) limit = Math.Clamp(requested, ClassicUdpPayload, MaxUdpPayload);
            responseOpt = new DnsRecord(DnsName.Root, 0, new UnknownRecordData(DnsType.Opt, []), MaxUdpPayload);
            if (((opt.Ttl >> 16) & 0xFF) != 0)
            {
                // RFC 6891 §6.1.3: only EDNS version 0; BADVERS is 16, its upper bits travel in the OPT TTL.
                var badVers = responseOpt with { Ttl = (uint)(BadVersion >> 4) << 24 };
                return Encode(Reply(query.Header, BadVersion & 0xF), query.Questions, [], [], [], badVers, limit);
            }
        }
        if (opts.Count > 1 || (opts.Count == 1 && opt is null))
            return Encode(Reply(query.Header, DnsHeader.FormErr), query.Questions, [], [], [], null, limit);
        if (query.Header.Opcode != 0) return Encode(Reply(query.Header, DnsHeader.NotImp), query.Questions, [], [], [], responseOpt, limit);
        if (query.Questions.Count != 1) return Encode(Reply(query.Header, DnsHeader.FormErr), query.Questions, [], [], [], responseOpt, limit);
        var q = query.Questions[0];
        if (q.Class is not (DnsType.ClassIn or DnsType.ClassAny) || !zone.Contains(q.Name) || q.Type is DnsType.Axfr or Ixfr)
            return Encode(Reply(query.Header, DnsHeader.Refused), query.Questions, [], [], [], responseOpt, limit);
        if (!zone.Exists(q.Name))
            return Encode(Reply(query.Header, DnsHeader.NxDomain, authoritative: true), query.Questions, [], [zone.Soa], [], responseOpt, limit);
        // The answers carry the question's spelling of the name: resolvers that randomise case (0x20) compare it.
        var answers = zone.RecordsOf(q.Name).Where(r => q.Type == DnsType.Any || r.Type == q.Type).Select(r => r with { Name = q.Name }).ToList();
        if (answers.Count == 0)
            return Encode(Reply(query.Header, DnsHeader.NoError, authoritative: true), query.Questions, [], [zone.Soa], [], responseOpt, limit);
        var additionals = answers.Select(r => r.Data).OfType<SrvRecordData>().Select(s => s.Target).Distinct()
            .SelectMany(zone.RecordsOf).Where(r => r.Type is DnsType.A or DnsType.Aaaa).ToList();
        return Encode(Reply(query.Header, DnsHeader.NoError, authoritative: true), query.Questions, answers, [], additionals, responseOpt, limit);
    }

    /// <summary>QR, the query's opcode and RD echoed, AA for answers from the zone, RA clear: this server does not recurse.</summary>
    private static DnsHeader Reply(DnsHeader query, int rcode, bool authoritative = false) =>
        new(query.Id, (ushort)(DnsHeader.ResponseFlag | (query.Flags & 0x7800) | (query.Flags & DnsHeader.RecursionDesiredFlag)
            | (authoritative ? DnsHeader.AuthoritativeFlag : 0) | rcode));

    private static byte[] Encode(DnsHeader header, IReadOnlyList<DnsQuestion> questions, IReadOnlyList<DnsRecord> answers,
        IReadOnlyList<DnsRecord> authorities, IReadOnlyList<DnsRecord> additionals, DnsRecord? opt, int limit)
    {
        IReadOnlyList<DnsRecord> Extra(IReadOnlyList<DnsRecord> records) => opt is null ? records : [.. records, opt];
        var full = new DnsMessage(header, questions, answers, authorities, Extra(additionals)).Encode();
        if (full.Length <= limit) return full;
        // Additional records are optional: dropping them needs no TC (RFC 2181 §9).
        var lean = new DnsMessage(header, questions, answers, authorities, Extra([])).Encode();
        if (lean.Length <= limit) return lean;
        var truncated = header with { Flags = (ushort)(header.Flags | DnsHeader.TruncatedFlag) };
        // The most answers that fit, found by bisection: a name with thousands of instances must not cost thousands of encodings.
        byte[] With(int keep) => new DnsMessage(truncated, questions, [.. answers.Take(keep)], keep == 0 ? [] : authorities, Extra([])).Encode();
        int fits = 0, tooMany = answers.Count;
        while (tooMany - fits > 1)
        {
            var mid = (fits + tooMany) / 2;
            if (With(mid).Length <= limit) fits = mid;
            else tooMany = mid;
        }
        var best = With(fits);
        if (best.Length <= limit) return best;
        return new DnsMessage(truncated, questions, [], [], []).Encode();
    }
}
