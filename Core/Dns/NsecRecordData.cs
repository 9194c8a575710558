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
        // Loops, not Distinct/Order/GroupBy: LINQ over ushort is a compiled copy of each operator (docs/size.md).
        var sorted = new List<ushort>(types);
        sorted.Sort();
        var distinct = new List<ushort>(sorted.Count);
        foreach (var t in sorted)
            if (distinct.Count == 0 || distinct[^1] != t) distinct.Add(t);
        Types = distinct;
    }

    public DnsName NextName { get; }

    public IReadOnlyList<ushort> Types { get; }

    public override ushort Type => DnsType.Nsec;

    public override void Write(DnsWriter writer)
    {
        // RFC 6762 §18.14: the next-name is not compressed in NSEC.
        writer.WriteNameUncompressed(NextName);
        // Types is sorted: each window (the types' high byte) is one run of it.
        for (var i = 0; i < Types.Count;)
        {
            var window = Types[i] >> 8;
            var bitmap = new byte[32];
            var used = 0;
            for (; i < Types.Count && Types[i] >> 8 == window; i++)
            {
                var low = Types[i] & 0xFF;
                bitmap[low >> 3] |= (byte)(0x80 >> (low & 7));
                used = Math.Max(used, (low >> 3) + 1);
            }
            writer.WriteByte((byte)window);
            writer.WriteByte((byte)used);
            writer.WriteBytes(bitmap.AsSpan(0, used));
        }
    }

    public bool Equals(NsecRecordData? other) =>
        other is not null && NextName == other.NextName && Types.SequenceEqual(other.Types);

    public override int GetHashCode() => HashCode.Combine(NextName, Types.Count);
}
