namespace MiniMesos.Core.Dns;

/// <summary>A service location (RFC 2782): the host and port to dial.</summary>
internal sealed record SrvRecordData(ushort Priority, ushort Weight, ushort Port, DnsName Target) : DnsRecordData
{
    public override ushort Type => DnsType.Srv;

    public override void Write(DnsWriter writer)
    {
        writer.WriteUInt16(Priority);
        writer.WriteUInt16(Weight);
        writer.WriteUInt16(Port);
        // mDNS compresses SRV targets (RFC 6762 §18.14); plain DNS does not need to, readers accept both.
        writer.WriteName(Target);
    }
}
