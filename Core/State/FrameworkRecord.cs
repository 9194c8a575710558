namespace MiniMesos.Core.State;

/// <summary>
/// An external framework known to the cluster (replicated). Offers and connections are leader memory; this
/// record and the task -> framework links survive a leader change.
/// </summary>
internal sealed record FrameworkRecord(string Id, string Name, string Role, double FailoverTimeoutSeconds, long RegisteredAtMs);
