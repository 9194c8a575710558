namespace MiniMesos.Core.Dns;

/// <summary>
/// A zone's start of authority (RFC 1035 §3.3.13). A unicast DNS server puts it in the authority section of NXDOMAIN
/// and no-data answers: its <see cref="Minimum"/> (and its own TTL) bounds how long resolvers cache the absence (RFC 2308).
/// </summary>
internal sealed record SoaRecordData(DnsName PrimaryServer, DnsName Mailbox, uint Serial, uint Refresh, uint Retry, uint Expire, uint Minimum)
    : DnsRecordData
{
    public override ushort Type => DnsType.Soa;

    public override void Write(DnsWriter writer)
    {
        // RFC 1035 types may compress names in their rdata.
        writer.WriteName(PrimaryServer);
        writer.WriteName(Mailbox);
        writer.WriteUInt32(Serial);
        writer.WriteUInt32(Refresh);
        writer.WriteUInt32(Retry);
        writer.WriteUInt32(Expire);
        writer.WriteUInt32(Minimum);
    }
}
