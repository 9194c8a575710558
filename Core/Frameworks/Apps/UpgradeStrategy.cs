namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// Marathon's rolling-upgrade bounds, as fractions of the app's instance count: never fewer than
/// MinimumHealthCapacity*N ready instances, never more than (1+MaximumOverCapacity)*N in total.
/// </summary>
internal sealed record UpgradeStrategy(double MinimumHealthCapacity = 1.0, double MaximumOverCapacity = 1.0);
