using MiniMesos.Core.Isolation;

namespace MiniMesos.Isolation;

/// <summary>How <see cref="IsolatedTaskLauncher"/> starts tasks on this host.</summary>
/// <param name="InitCommand">Command that runs this binary (the init verb is appended); null = <see cref="Environment.ProcessPath"/>.
/// Tests running under the dotnet host pass [dotnet, minimesos.dll].</param>
/// <param name="CgroupGroup">Name of the cgroup below the agent's own that holds the task cgroups.</param>
/// <param name="DefaultUser">User a task runs as when it names none.</param>
/// <param name="Rlimits">Applied by init to every task; null = no core dumps.</param>
/// <param name="StartTimeout">How long init may take to report the command started.</param>
/// <param name="LogCapBytes">Size cap of each of a task's stdout and stderr files; 0 = unlimited.</param>
internal sealed record LaunchOptions(
    IReadOnlyList<string>? InitCommand = null,
    string CgroupGroup = "minimesos",
    string DefaultUser = "nobody",
    IReadOnlyList<RlimitSetting>? Rlimits = null,
    TimeSpan? StartTimeout = null,
    long LogCapBytes = 10L << 20)
{
    public IReadOnlyList<string> ResolvedInitCommand =>
        InitCommand ?? [Environment.ProcessPath ?? throw new TaskLaunchException("cannot find the path of this executable to start task init")];

    public IReadOnlyList<RlimitSetting> ResolvedRlimits => Rlimits ?? [new RlimitSetting("core", 0, 0)];
}
