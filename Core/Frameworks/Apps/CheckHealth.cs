namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>One health check of one instance: what <see cref="HealthPolicy.Status"/> makes of its tally, and the tally.</summary>
internal sealed record CheckHealth(HealthStatus Status, InstanceHealth Tally);
