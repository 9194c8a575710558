namespace MiniMesos.Core.Allocation;

/// <summary>An offer taken back by the allocator (timeout, agent gone, framework gone), and why.</summary>
internal sealed record Rescind(string OfferId, string FrameworkId, string AgentId, string Reason);
