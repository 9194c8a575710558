namespace MiniMesos.Net.Http;

/// <summary>
/// One framework in GET /v1/frameworks: an external one (kind "external") or a built-in ("apps", "tasks").
/// Tasks are its live (non-terminal) tasks; the resources are what they use.
/// </summary>
internal sealed record FrameworkView(string Id, string Name, string Kind, string Role, bool Connected, double? FailoverTimeout,
    IReadOnlyList<string> Tasks, double Cpus, long Mem, long Disk);
