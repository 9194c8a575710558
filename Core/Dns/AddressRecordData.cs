using System.Net;
using System.Net.Sockets;

namespace MiniMesos.Core.Dns;

/// <summary>An address record: A for an IPv4 address, AAAA for an IPv6 one (the type follows the address).</summary>
internal sealed record AddressRecordData : DnsRecordData
{
    public AddressRecordData(IPAddress address)
    {
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            throw new ArgumentException("an A or AAAA record needs an IPv4 or IPv6 address", nameof(address));
        Address = address;
    }

    public IPAddress Address { get; }

    public override ushort Type => Address.AddressFamily == AddressFamily.InterNetwork ? DnsType.A : DnsType.Aaaa;

    public override void Write(DnsWriter writer) => writer.WriteAddress(Address);
}
