using System.Net;
using System.Net.Sockets;

namespace MiniMesos.Core.Dns;

/// <summary>An IPv4 address record.</summary>
internal sealed record ARecordData : DnsRecordData
{
    public ARecordData(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork) throw new ArgumentException("A needs an IPv4 address", nameof(address));
        Address = address;
    }

    public IPAddress Address { get; }

    public override ushort Type => DnsType.A;

    public override void Write(DnsWriter writer) => writer.WriteAddress(Address);
}
