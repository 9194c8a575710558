namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>The running tally of one health check on one instance; updated by <see cref="HealthPolicy"/>.</summary>
internal sealed record InstanceHealth(
    long StartedAtMs,
    int ConsecutiveFailures = 0,
    bool EverHealthy = false,
    bool? LastOk = null,
    long? LastCheckAtMs = null,
    string? LastMessage = null);
