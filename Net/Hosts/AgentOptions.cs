using MiniMesos.Net.Security;

namespace MiniMesos.Net.Hosts;

/// <summary>How an agent runs: which master it dials, where sandboxes live, how tasks are isolated.</summary>
internal sealed record AgentOptions(
    string MasterHost,
    int MasterPort,
    string WorkDir,
    string ClusterName,
    ClusterSecret Secret,
    IsolationMode Isolation,
    ResourceOverrides Resources);

internal enum IsolationMode { Auto, None }

/// <summary>Resources the operator set by hand (null = detect).</summary>
internal sealed record ResourceOverrides(double? Cpus = null, long? MemMb = null, long? DiskMb = null);
