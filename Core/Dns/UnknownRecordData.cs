namespace MiniMesos.Core.Dns;

/// <summary>A type this codec does not interpret: its rdata is kept verbatim (RFC 3597).</summary>
internal sealed record UnknownRecordData(ushort RecordType, byte[] Rdata) : DnsRecordData
{
    public override ushort Type => RecordType;

    public override void Write(DnsWriter writer) => writer.WriteBytes(Rdata);

    public bool Equals(UnknownRecordData? other) =>
        other is not null && RecordType == other.RecordType && Rdata.AsSpan().SequenceEqual(other.Rdata);

    public override int GetHashCode() => HashCode.Combine(RecordType, Rdata.Length);
}
