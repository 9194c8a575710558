using MiniMesos.Core.Isolation;

namespace MiniMesos.Isolation;

/// <summary>
/// Everything needed to start one task. <see cref="Argv"/>[0] is looked up on PATH when it has no slash.
/// <see cref="JoinPid"/>: run inside the namespaces of that process (a COMMAND health check inside its task) instead of
/// fresh ones, where the launcher can (see IsolatedTaskLauncher). <see cref="MetaDir"/>: the task's root-only directory
/// for what the agent keeps of it (stdout, stderr, exit status), outside the sandbox; null = "<sandbox>.meta".
/// <see cref="Uid"/>: run as this uid (and gid) with no passwd entry, the agent's per-task user, instead of <see cref="User"/>.
/// <see cref="Image"/>: run in an image's layers stacked with overlayfs (instead of <see cref="Rootfs"/>).
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
    int? JoinPid = null,
    string? MetaDir = null,
    uint? Uid = null,
    Images.ImageRootfs? Image = null)
{
    public string ResolvedMetaDir => MetaDir ?? SandboxDir.TrimEnd('/') + ".meta";
}

internal enum TaskNetwork { Host, None }
