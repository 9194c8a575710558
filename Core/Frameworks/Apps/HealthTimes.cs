namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// Health tallies are kept on the agent's monotonic clock (grace periods and intervals must not follow a wall clock that
/// jumps); what is reported and shown (Marathon's healthCheckResults) is wall time, shifted at the moment of reporting.
/// </summary>
internal static class HealthTimes
{
    /// <summary><paramref name="health"/> with every time moved by <paramref name="offsetMs"/> (wall minus monotonic, now).</summary>
    public static TaskHealth Shifted(TaskHealth health, long offsetMs) =>
        health with { Checks = health.Checks.Select(c => c with { Tally = Shifted(c.Tally, offsetMs) }).ToList() };

    private static InstanceHealth Shifted(InstanceHealth t, long offsetMs) => t with
    {
        StartedAtMs = t.StartedAtMs + offsetMs,
        LastCheckAtMs = t.LastCheckAtMs + offsetMs,
        FirstSuccessAtMs = t.FirstSuccessAtMs + offsetMs,
        LastSuccessAtMs = t.LastSuccessAtMs + offsetMs,
        LastFailureAtMs = t.LastFailureAtMs + offsetMs,
    };
}
