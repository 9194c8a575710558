namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>The latest health of every check of one instance, in the app's check order, as the agent reports it.</summary>
internal sealed record TaskHealth(string TaskId, IReadOnlyList<CheckHealth> Checks)
{
    /// <summary>The instance is as healthy as its worst check.</summary>
    public HealthStatus Status => HealthPolicy.Combine(Checks.Select(c => c.Status));
}
