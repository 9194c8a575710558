using MiniMesos.Core.Frameworks.Apps;

namespace MiniMesos.Net.Protocol;

/// <summary>What an agent probes for one task: its checks, since when it runs (grace period), and its environment (ports, COMMAND checks).</summary>
/// <remarks>StartedAtMs is on the agent's monotonic clock (see HealthChecker.NowMs).</remarks>
internal sealed record HealthWatch(long StartedAtMs, IReadOnlyList<HealthCheckSpec> Checks, IReadOnlyDictionary<string, string> Env);
