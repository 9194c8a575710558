namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>For one app: the instances to kill now, how many new ones to launch, and who stays.</summary>
internal sealed record RolloutPlan(IReadOnlyList<AppKill> Kills, int ToLaunch, IReadOnlyList<AppInstance> Staying);
