namespace MiniMesos.Core.Dns;

/// <summary>A whole DNS message. <see cref="Encode"/> compresses names; <see cref="DnsMessageReader"/> reads it back.</summary>
internal sealed record DnsMessage(
    DnsHeader Header,
    IReadOnlyList<DnsQuestion> Questions,
    IReadOnlyList<DnsRecord> Answers,
    IReadOnlyList<DnsRecord> Authorities,
    IReadOnlyList<DnsRecord> Additionals)
{
    public static DnsMessage Query(IReadOnlyList<DnsQuestion> questions, IReadOnlyList<DnsRecord>? knownAnswers = null, IReadOnlyList<DnsRecord>? authorities = null) =>
        new(DnsHeader.Query, questions, knownAnswers ?? [], authorities ?? [], []);

    public static DnsMessage Response(IReadOnlyList<DnsRecord> answers, IReadOnlyList<DnsRecord>? additionals = null) =>
        new(DnsHeader.MdnsResponse, [], answers, [], additionals ?? []);

    public IEnumerable<DnsRecord> AllRecords => Answers.Concat(Authorities).Concat(Additionals);

    public byte[] Encode()
    {
        var w = new DnsWriter();
        w.WriteUInt16(Header.Id);
        w.WriteUInt16(Header.Flags);
        w.WriteUInt16(checked((ushort)Questions.Count));
        w.WriteUInt16(checked((ushort)Answers.Count));
        w.WriteUInt16(checked((ushort)Authorities.Count));
        w.WriteUInt16(checked((ushort)Additionals.Count));
        foreach (var q in Questions)
        {
            w.WriteName(q.Name);
            w.WriteUInt16(q.Type);
            w.WriteUInt16((ushort)((q.Class & 0x7FFF) | (q.UnicastResponse ? DnsType.UnicastResponseBit : 0)));
        }
        foreach (var r in Answers) WriteRecord(w, r);
        foreach (var r in Authorities) WriteRecord(w, r);
        foreach (var r in Additionals) WriteRecord(w, r);
        return w.ToArray();
    }

    private static void WriteRecord(DnsWriter w, DnsRecord r)
    {
        w.WriteName(r.Name);
        w.WriteUInt16(r.Type);
        w.WriteUInt16((ushort)((r.Class & 0x7FFF) | (r.CacheFlush ? DnsType.CacheFlushBit : 0)));
        w.WriteUInt32(r.Ttl);
        var lengthAt = w.Length;
        w.WriteUInt16(0);
        r.Data.Write(w);
        var rdLength = w.Length - lengthAt - 2;
        if (rdLength > ushort.MaxValue) throw new DnsFormatException("rdata longer than 65535 bytes");
        w.PatchUInt16(lengthAt, (ushort)rdLength);
    }
}
