namespace MiniMesos.Core.State;

/// <summary>
/// What a (re-)registering agent says it has: every task whose end the master has not acknowledged yet (Known,
/// launching, running or ended while away), and those of them whose process runs now (Running).
/// </summary>
internal sealed record AgentReport(IReadOnlySet<string> Known, IReadOnlySet<string> Running);
