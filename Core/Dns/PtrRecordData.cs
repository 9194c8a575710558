namespace MiniMesos.Core.Dns;

/// <summary>A pointer record: in DNS-SD, service type to instance name.</summary>
internal sealed record PtrRecordData(DnsName Target) : DnsRecordData
{
    public override ushort Type => DnsType.Ptr;

    public override void Write(DnsWriter writer) => writer.WriteName(Target);
}
