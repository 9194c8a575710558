namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// The running tally of one health check on one instance; updated by <see cref="HealthPolicy"/>. The
/// First/Last times (ms) and <see cref="LastFailureCause"/> are what Marathon shows as healthCheckResults.
/// </summary>
internal sealed record InstanceHealth(
    long StartedAtMs,
    int ConsecutiveFailures = 0,
    bool EverHealthy = false,
    bool? LastOk = null,
    long? LastCheckAtMs = null,
    string? LastMessage = null,
    long? FirstSuccessAtMs = null,
    long? LastSuccessAtMs = null,
    long? LastFailureAtMs = null,
    string? LastFailureCause = null);
