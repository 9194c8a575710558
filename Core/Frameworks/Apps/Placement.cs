namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>Where an instance runs (or would run): what constraints look at.</summary>
internal sealed record Placement(string AgentId, string Hostname, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>The value of a constraint field here: "hostname" is the agent's hostname, anything else an attribute.</summary>
    public string? ValueOf(string field) =>
        field == "hostname" ? Hostname : Attributes.TryGetValue(field, out var v) ? v : null;
}
