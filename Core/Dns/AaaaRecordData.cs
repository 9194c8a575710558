using System.Net;
using System.Net.Sockets;

namespace MiniMesos.Core.Dns;

/// <summary>An IPv6 address record.</summary>
internal sealed record AaaaRecordData : DnsRecordData
{
    public AaaaRecordData(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6) throw new ArgumentException("AAAA needs an IPv6 address", nameof(address));
        Address = address;
    }

    public IPAddress Address { get; }

    public override ushort Type => DnsType.Aaaa;

    public override void Write(DnsWriter writer) => writer.WriteAddress(Address);
}
