namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>One probe's outcome as the agent measured it.</summary>
internal sealed record HealthCheckResult(bool Ok, double DurationSeconds, string? Message = null);
