namespace MiniMesos.Net.Http;

/// <summary>One health check's latest result on one task, in Marathon's healthCheckResults shape (times as the agent measured them).</summary>
internal sealed record MarathonHealthCheckResult(
    bool Alive,
    int ConsecutiveFailures,
    string? FirstSuccess,
    string? LastFailure,
    string? LastSuccess,
    string? LastFailureCause,
    string InstanceId);
