namespace MiniMesos.Core.Dns;

/// <summary>A question; <see cref="UnicastResponse"/> is the mDNS QU bit (top bit of the class).</summary>
internal sealed record DnsQuestion(DnsName Name, ushort Type, ushort Class = DnsType.ClassIn, bool UnicastResponse = false);
