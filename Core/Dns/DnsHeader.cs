namespace MiniMesos.Core.Dns;

/// <summary>The fixed 12-byte header without its counts (those follow from the sections).</summary>
internal readonly record struct DnsHeader(ushort Id, ushort Flags)
{
    public const ushort ResponseFlag = 0x8000;
    public const ushort AuthoritativeFlag = 0x0400;
    public const ushort TruncatedFlag = 0x0200;
    public const ushort RecursionDesiredFlag = 0x0100;

    /// <summary>Response codes (RFC 1035 §4.1.1), the low four bits of the flags.</summary>
    public const int NoError = 0;
    public const int FormErr = 1;
    public const int ServFail = 2;
    public const int NxDomain = 3;
    public const int NotImp = 4;
    public const int Refused = 5;

    /// <summary>mDNS responses: QR and AA set, everything else zero (RFC 6762 §18).</summary>
    public static DnsHeader MdnsResponse => new(0, ResponseFlag | AuthoritativeFlag);

    public static DnsHeader Query => new(0, 0);

    public bool IsResponse => (Flags & ResponseFlag) != 0;

    public bool IsTruncated => (Flags & TruncatedFlag) != 0;

    public int Opcode => (Flags >> 11) & 0xF;

    public bool RecursionDesired => (Flags & RecursionDesiredFlag) != 0;

    public int ResponseCode => Flags & 0xF;
}
