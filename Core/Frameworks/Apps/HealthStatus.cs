namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>What the health checks say about an instance.</summary>
internal enum HealthStatus
{
    /// <summary>No check has passed yet (or the app has no checks).</summary>
    Unknown,
    Healthy,
    /// <summary>The last check failed, but fewer times in a row than the limit.</summary>
    Failing,
    /// <summary>Failed MaxConsecutiveFailures times in a row: to be killed and replaced.</summary>
    Unhealthy,
}
