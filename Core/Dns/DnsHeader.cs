namespace MiniMesos.Core.Dns;

/// <summary>The fixed 12-byte header without its counts (those follow from the sections).</summary>
internal readonly record struct DnsHeader(ushort Id, ushort Flags)
{
    public const ushort ResponseFlag = 0x8000;
    public const ushort AuthoritativeFlag = 0x0400;
    public const ushort TruncatedFlag = 0x0200;

    /// <summary>mDNS responses: QR and AA set, everything else zero (RFC 6762 §18).</summary>
    public static DnsHeader MdnsResponse => new(0, ResponseFlag | AuthoritativeFlag);

    public static DnsHeader Query => new(0, 0);

    public bool IsResponse => (Flags & ResponseFlag) != 0;

    public bool IsTruncated => (Flags & TruncatedFlag) != 0;

    public int Opcode => (Flags >> 11) & 0xF;
}
