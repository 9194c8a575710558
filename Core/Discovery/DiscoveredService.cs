using System.Net;

namespace MiniMesos.Core.Discovery;

/// <summary>A resolved instance as seen on the network: what to dial, and what its TXT claims (unverified).</summary>
internal sealed record DiscoveredService(
    string InstanceName,
    string HostName,
    ushort Port,
    IReadOnlyList<IPAddress> Addresses,
    IReadOnlyDictionary<string, string> Txt)
{
    public bool SameAs(DiscoveredService other) =>
        InstanceName == other.InstanceName && HostName == other.HostName && Port == other.Port &&
        Addresses.SequenceEqual(other.Addresses) &&
        Txt.Count == other.Txt.Count && Txt.All(p => other.Txt.TryGetValue(p.Key, out var v) && v == p.Value);
}
