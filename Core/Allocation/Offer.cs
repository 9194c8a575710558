namespace MiniMesos.Core.Allocation;

/// <summary>
/// Resources of one agent offered to one framework until <see cref="ExpiresAtMs"/>. Carries the agent's
/// hostname and attributes so a framework can evaluate placement constraints without another lookup.
/// </summary>
internal sealed record Offer(
    string Id,
    string FrameworkId,
    string AgentId,
    string Hostname,
    IReadOnlyDictionary<string, string> Attributes,
    ResourceSet Resources,
    long CreatedAtMs,
    long ExpiresAtMs);
