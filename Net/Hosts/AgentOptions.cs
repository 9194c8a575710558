using MiniMesos.Isolation;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Hosts;

/// <summary>
/// How an agent runs: which master it dials, where sandboxes live, how tasks are isolated. <see cref="Hostname"/>
/// overrides the hostname the agent reports (constraints such as UNIQUE hostname look at it); null = this machine's.
/// <see cref="TaskUids"/>: the per-task user range; null = <see cref="Core.Isolation.TaskUidPool.DefaultRange"/>.
/// <see cref="Mesh"/>: the routing mesh on service ports (null: off; the agent command turns it on by default).
/// <see cref="Registry"/>: logins and insecure registries for image pulls; null = none.
/// </summary>
internal sealed record AgentOptions(
    IReadOnlyList<(string Host, int Port)> Masters,
    string WorkDir,
    string ClusterName,
    ClusterSecret Secret,
    IsolationMode Isolation,
    ResourceOverrides Resources,
    LaunchOptions? Launch = null,
    bool Mdns = false,
    IReadOnlyList<System.Net.IPAddress>? MdnsInterfaces = null,
    ResourceOverrides? Reserved = null,
    IReadOnlyDictionary<string, string>? Attributes = null,
    TimeSpan? SandboxMaxAge = null,
    double SandboxMinFreeFraction = 0.1,
    string? Hostname = null,
    Core.Isolation.TaskUserPolicy? Users = null,
    Core.Isolation.TaskUidPool? TaskUids = null,
    Routing.MeshOptions? Mesh = null,

    Isolation.Images.RegistryOptions? Registry = null);

/// <summary>Auto: namespaces and cgroups when the agent runs as root, plain processes otherwise. None: plain processes.</summary>
internal enum IsolationMode { Auto, None }

/// <summary>Resources the operator set by hand (null = detect), or keeps back for the host (--reserved).</summary>
internal sealed record ResourceOverrides(double? Cpus = null, long? MemMb = null, long? DiskMb = null, Core.Allocation.PortRanges? Ports = null);
