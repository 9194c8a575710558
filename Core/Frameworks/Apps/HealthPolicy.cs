namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// Health-check policy, pure: when the next probe is due, how a result changes the tally, and what the
/// tally means. The agent runs the probes; the master feeds results here.
/// </summary>
internal static class HealthPolicy
{
    public static long NextCheckAtMs(HealthCheckSpec spec, InstanceHealth health) =>
        health.LastCheckAtMs is { } last ? last + ToMs(spec.IntervalSeconds) : health.StartedAtMs;

    public static InstanceHealth Record(HealthCheckSpec spec, InstanceHealth health, HealthCheckResult result, long nowMs)
    {
        var timedOut = result.DurationSeconds > spec.TimeoutSeconds;
        var ok = result.Ok && !timedOut;
        var message = timedOut ? $"timed out after {result.DurationSeconds:0.###} s (limit {spec.TimeoutSeconds:0.###} s)" : result.Message;
        if (ok)
            return health with
            {
                ConsecutiveFailures = 0, EverHealthy = true, LastOk = true, LastCheckAtMs = nowMs, LastMessage = message,
                FirstSuccessAtMs = health.FirstSuccessAtMs ?? nowMs, LastSuccessAtMs = nowMs,
            };
        // A slow starter is not punished: failures inside the grace period count only after a first success.
        var inGrace = !health.EverHealthy && nowMs < health.StartedAtMs + ToMs(spec.GracePeriodSeconds);
        return health with
        {
            ConsecutiveFailures = inGrace ? health.ConsecutiveFailures : health.ConsecutiveFailures + 1,
            LastOk = false,
            LastCheckAtMs = nowMs,
            LastMessage = message,
            LastFailureAtMs = nowMs,
            LastFailureCause = message ?? "failed",
        };
    }

    public static HealthStatus Status(HealthCheckSpec spec, InstanceHealth health)
    {
        if (spec.MaxConsecutiveFailures > 0 && health.ConsecutiveFailures >= spec.MaxConsecutiveFailures) return HealthStatus.Unhealthy;
        return health.LastOk switch
        {
            true => HealthStatus.Healthy,
            false when health.ConsecutiveFailures > 0 => HealthStatus.Failing,
            _ => HealthStatus.Unknown,
        };
    }

    /// <summary>An instance is as healthy as its worst check.</summary>
    public static HealthStatus Combine(IEnumerable<HealthStatus> statuses)
    {
        var list = statuses.ToList();
        if (list.Count == 0) return HealthStatus.Unknown;
        if (list.Contains(HealthStatus.Unhealthy)) return HealthStatus.Unhealthy;
        if (list.Contains(HealthStatus.Failing)) return HealthStatus.Failing;
        return list.All(s => s == HealthStatus.Healthy) ? HealthStatus.Healthy : HealthStatus.Unknown;
    }

    private static long ToMs(double seconds) => (long)Math.Round(seconds * 1000);
}
