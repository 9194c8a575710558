namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>A probe that is due: check <see cref="Index"/> of task <see cref="TaskId"/>.</summary>
internal sealed record HealthProbe(string TaskId, int Index, HealthCheckSpec Spec);
