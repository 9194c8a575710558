namespace MiniMesos.Core.Discovery;

/// <summary>A change in what the browser sees; <see cref="Service"/> is the last known state for Removed.</summary>
internal sealed record DiscoveryEvent(DiscoveryEventKind Kind, DiscoveredService Service, DateTimeOffset At);
