namespace MiniMesos.Core.Model;

/// <summary>The master's view of one task. Immutable: state changes produce a new record.</summary>
internal sealed record TaskRecord(
    string Id,
    TaskSpec Spec,
    TaskState State,
    string? AgentId,
    long SubmittedAtMs,
    long UpdatedAtMs,
    int? ExitCode = null,
    int? Signal = null,
    string? Message = null);
