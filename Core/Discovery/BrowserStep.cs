using MiniMesos.Core.Dns;

namespace MiniMesos.Core.Discovery;

/// <summary>What the browser logic produced for one input: changes to report and queries to multicast.</summary>
internal sealed record BrowserStep(IReadOnlyList<DiscoveryEvent> Events, IReadOnlyList<DnsMessage> Queries)
{
    public static readonly BrowserStep None = new([], []);
}
