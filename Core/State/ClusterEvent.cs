namespace MiniMesos.Core.State;

/// <summary>A change scripts can react to: a task changed state or agent, or an agent came or went.</summary>
internal sealed record ClusterEvent(long Seq, long AtMs, string Kind, string Id, string? State, string? AgentId, int? ExitCode, int? Signal,
    string? Message);
