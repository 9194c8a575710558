namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// A long-running app, Marathon style. Exactly one of <see cref="Cmd"/> (run by a shell) or
/// <see cref="Args"/> (argv, no shell). <see cref="Ports"/> is how many host ports each instance gets.
/// <see cref="Version"/> is set by the master on every deploy or restart: instances of another version
/// are replaced by a rolling deployment. <see cref="UnreachableStrategy"/> and <see cref="KillSelection"/> are Marathon's
/// (see docs/scheduling.md). <see cref="ScaledAt"/> is when <see cref="Instances"/> last changed without a
/// new version (Marathon's versionInfo.lastScalingAt; empty: never scaled since the version). <see cref="Fetch"/>: Marathon's
/// fetch (and legacy uris), downloaded by the agent into each instance's sandbox.
/// <see cref="ServicePorts"/>: one cluster-wide service port per app port (Marathon's servicePorts): as asked (0 = any)
/// until the leader assigns them, then as assigned, kept across versions (<see cref="ServicePortAllocator"/>).
/// <see cref="RequirePorts"/>: each instance's host ports are its service ports (Marathon's requirePorts).
/// <see cref="Container"/>: the image its instances run in (Marathon's container.docker.image; <see cref="Model.TaskImage.Shell"/> is unused here).
/// </summary>
internal sealed record AppSpec(
    string Id,
    string? Cmd = null,
    IReadOnlyList<string>? Args = null,
    IReadOnlyDictionary<string, string>? Env = null,
    double Cpus = 1,
    double Mem = 128,
    double Disk = 0,
    int Ports = 0,
    int Instances = 1,
    string? User = null,
    IReadOnlyDictionary<string, string>? Labels = null,
    IReadOnlyList<IReadOnlyList<string>>? Constraints = null,
    IReadOnlyList<HealthCheckSpec>? HealthChecks = null,
    double BackoffSeconds = 1,
    double BackoffFactor = 1.15,
    double MaxLaunchDelaySeconds = 300,
    UpgradeStrategy? UpgradeStrategy = null,
    string Version = "",
    UnreachableStrategy? UnreachableStrategy = null,
    KillSelection KillSelection = KillSelection.YoungestFirst,
    string ScaledAt = "",
    IReadOnlyList<Fetch.FetchUri>? Fetch = null,
    IReadOnlyList<int>? ServicePorts = null,
    bool RequirePorts = false,
    Model.TaskImage? Container = null)
{
    /// <summary>Label routing HTTP requests with this Host header to the app's first port (routing mesh, docs/routing.md).</summary>
    public const string VhostLabel = "MINIMESOS_VHOST";

    /// <summary>Label asking for no network for the app's instances: "none" (only loopback) or "host" (default).</summary>
    public const string NetworkLabel = "MINIMESOS_NETWORK";

    public UpgradeStrategy Upgrade => UpgradeStrategy ?? new UpgradeStrategy();

    /// <summary>The unreachable strategy in force (Marathon's default when none was given).</summary>
    public UnreachableStrategy Unreachable => UnreachableStrategy ?? Apps.UnreachableStrategy.Default;

    public bool HasHealthChecks => HealthChecks is { Count: > 0 };

    /// <summary>The latest change, config or scale: Marathon's <c>version</c> of the app (its version stamps sort as text).</summary>
    public string LastChange => string.CompareOrdinal(ScaledAt, Version) > 0 ? ScaledAt : Version;
}
