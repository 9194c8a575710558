namespace MiniMesos.Core.Dns;

/// <summary>The record types this codec understands; any other value is kept as raw rdata.</summary>
internal static class DnsType
{
    public const ushort A = 1;
    public const ushort Ns = 2;
    public const ushort Soa = 6;
    public const ushort Ptr = 12;
    public const ushort Txt = 16;
    public const ushort Aaaa = 28;
    public const ushort Srv = 33;
    public const ushort Opt = 41;
    public const ushort Nsec = 47;
    public const ushort Axfr = 252;
    public const ushort Any = 255;

    public const ushort ClassIn = 1;
    public const ushort ClassAny = 255;

    /// <summary>Top bit of a question's class: unicast-response requested (RFC 6762 §5.4).</summary>
    public const ushort UnicastResponseBit = 0x8000;

    /// <summary>Top bit of a record's class: cache-flush, the record set is unique (RFC 6762 §10.2).</summary>
    public const ushort CacheFlushBit = 0x8000;
}
