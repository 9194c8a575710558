namespace MiniMesos.Core.Dns;

/// <summary>
/// NSEC (RFC 4034 §4): mDNS uses it to say which types exist for a name (RFC 6762 §6.1).
/// <see cref="Types"/> is sorted and distinct.
/// </summary>
internal sealed record NsecRecordData : DnsRecordData
{
    public NsecRecordData(DnsName nextName, IEnumerable<ushort> types)
    {
        NextName = nextName;
        Types = [.. types.Distinct().Order()];
    }

    public DnsName NextName { get; }

    public IReadOnlyList<ushort> Types { get; }

    public override ushort Type => DnsType.Nsec;

    public override void Write(DnsWriter writer)
    {
        // RFC 6762 §18.14: the next-name is not compressed in NSEC.
        writer.WriteNameUncompressed(NextName);
        foreach (var window in Types.GroupBy(t => t >> 8))
        {
            var bitmap = new byte[32];
            var used = 0;
            foreach (var t in window)
            {
                var low = t & 0xFF;
                bitmap[low >> 3] |= (byte)(0x80 >> (low & 7));
                used = Math.Max(used, (low >> 3) + 1);
            }
            writer.WriteByte((byte)window.Key);
            writer.WriteByte((byte)used);
            writer.WriteBytes(bitmap.AsSpan(0, used));
        }
    }

    public bool Equals(NsecRecordData? other) =>
        other is not null && NextName == other.NextName && Types.SequenceEqual(other.Types);

    public override int GetHashCode() => HashCode.Combine(NextName, Types.Count);
}
