namespace MiniMesos.Core.Dns;

/// <summary>A resource record; <see cref="CacheFlush"/> is the mDNS top bit of the class.</summary>
internal sealed record DnsRecord(DnsName Name, uint Ttl, DnsRecordData Data, ushort Class = DnsType.ClassIn, bool CacheFlush = false)
{
    public ushort Type => Data.Type;

    /// <summary>Same name, type, class and rdata: the identity used by caches and known-answer lists.</summary>
    public bool SameRecord(DnsRecord other) =>
        Name == other.Name && Type == other.Type && Class == other.Class && Data.Equals(other.Data);
}
