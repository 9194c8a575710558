namespace MiniMesos.Core.Model;

/// <summary>A registered agent: what it offers in total and where it runs.</summary>
internal sealed record AgentRecord(
    string Id,
    string Hostname,
    Resources Total,
    IReadOnlyDictionary<string, string> Attributes,
    long RegisteredAtMs);
