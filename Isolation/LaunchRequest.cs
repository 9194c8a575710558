namespace MiniMesos.Isolation;

/// <summary>
/// Everything needed to start one task. <see cref="Argv"/>[0] is looked up on PATH when it has no slash.
/// <see cref="JoinPid"/>: run inside the namespaces of that process (a COMMAND health check inside its task) instead of
/// fresh ones, where the launcher can (see IsolatedTaskLauncher).
/// </summary>
internal sealed record LaunchRequest(
    string TaskId,
    IReadOnlyList<string> Argv,
    IReadOnlyDictionary<string, string> Environment,
    string SandboxDir,
    TaskLimits Limits,
    string? User = null,
    TaskNetwork Network = TaskNetwork.Host,
    string? Rootfs = null,
    IReadOnlyDictionary<string, string>? Binds = null,
    int? JoinPid = null);

/// <summary>Resources a task was given; zero means "no limit requested".</summary>
internal sealed record TaskLimits(double Cpus, long MemoryBytes, long MaxPids = 0);

internal enum TaskNetwork { Host, None }
