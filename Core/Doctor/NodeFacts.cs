namespace MiniMesos.Core.Doctor;

/// <summary>What `minimesos doctor` found on this node, gathered by the I/O side and judged by <see cref="DoctorRules"/>.</summary>
internal sealed record NodeFacts
{
    public bool IsRoot { get; init; }

    public bool Cgroup2Mounted { get; init; }

    /// <summary>Controllers the kernel offers (the cgroup2 root's cgroup.controllers).</summary>
    public IReadOnlyList<string> KernelControllers { get; init; } = [];

    /// <summary>This process's cgroup (from /proc/self/cgroup), and the controllers offered to it by its parent.</summary>
    public string? OwnCgroup { get; init; }

    public IReadOnlyList<string> OwnControllers { get; init; } = [];

    /// <summary>Whether this process may create cgroups below its own and write its cgroup.subtree_control.</summary>
    public bool OwnCgroupWritable { get; init; }

    public string KernelCommandLine { get; init; } = "";

    public bool IsRaspberryPi { get; init; }

    /// <summary>Namespace kinds the kernel lacks or has disabled (user.max_*_namespaces = 0).</summary>
    public IReadOnlyList<string> MissingNamespaces { get; init; } = [];

    public IReadOnlyList<PortFact> Ports { get; init; } = [];

    /// <summary>The interface address 224.0.0.251 was joined on; null with <see cref="MulticastProblem"/> when it could not be.</summary>
    public string? MulticastInterface { get; init; }

    public string? MulticastProblem { get; init; }

    /// <summary>The kernel's view (adjtimex): true when synchronised, false when STA_UNSYNC, null when it could not be read.</summary>
    public bool? ClockSynchronised { get; init; }

    public IReadOnlyList<DirFact> Dirs { get; init; } = [];

    /// <summary>Shared libraries the binary loads with dlopen that could not be loaded (libssl.so.3, libcrypto.so.3).</summary>
    public IReadOnlyList<string> MissingLibraries { get; init; } = [];
}
