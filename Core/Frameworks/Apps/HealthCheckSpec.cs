namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// How to probe an instance (Marathon semantics): failures within the grace period are ignored until
/// the first success; after MaxConsecutiveFailures failures in a row (0 = never) the instance is replaced.
/// </summary>
internal sealed record HealthCheckSpec(
    string Protocol = "COMMAND",
    string? Command = null,
    string? Path = null,
    int PortIndex = 0,
    double GracePeriodSeconds = 300,
    double IntervalSeconds = 60,
    double TimeoutSeconds = 20,
    int MaxConsecutiveFailures = 3);
