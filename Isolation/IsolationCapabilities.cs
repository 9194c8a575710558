namespace MiniMesos.Isolation;

/// <summary>What isolation is in force on this host, and what is missing with the fix.</summary>
internal sealed record IsolationCapabilities(
    bool Namespaces,
    IReadOnlyList<string> CgroupControllers,
    IReadOnlyList<string> Missing);
