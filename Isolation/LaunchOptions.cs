using MiniMesos.Core.Isolation;

namespace MiniMesos.Isolation;

/// <summary>How <see cref="IsolatedTaskLauncher"/> starts tasks on this host.</summary>
/// <param name="InitCommand">Command that runs this binary (the init verb is appended); null = <see cref="Environment.ProcessPath"/>.
/// Tests running under the dotnet host pass [dotnet, minimesos.dll].</param>
/// <param name="CgroupGroup">Name of the cgroup below the agent's own (or <paramref name="CgroupParent"/>) that holds the task cgroups.</param>
/// <param name="DefaultUser">User a task runs as when it names none.</param>
/// <param name="Rlimits">Applied by init to every task; null = no core dumps.</param>
/// <param name="StartTimeout">How long init may take to report the command started.</param>
/// <param name="LogCapBytes">Size cap of each of a task's stdout and stderr files; 0 = unlimited.</param>
/// <param name="WarmInits">How many inits to keep started ahead of their task (see <see cref="WarmInitPool"/>); 0 = every launch starts cold.</param>
/// <param name="WarmInitMaxAge">A waiting init older than this is discarded instead of used; null = 60 s.</param>
/// <param name="RootCapabilities">Capabilities a task running as root keeps (numbers); null = <see cref="TaskCapabilities.Default"/>.</param>
/// <param name="CgroupParent">cgroup v2 path (below the mount) of a delegated cgroup holding no process to put
/// <paramref name="CgroupGroup"/> in instead of the agent's own cgroup; null = the agent's own. Under systemd the agent's
/// own cgroup holds the agent, and tasks there outlive an agent restart only if they live elsewhere.</param>
/// <param name="FavorDynMods">Turn on cgroup2's favordynmods (host-wide) so a launch's move into its cgroup is fast
/// (<see cref="Cgroups.CgroupMigrationSpeed"/>): the agent and dev commands and the self-test do; tests leave the host alone.</param>
internal sealed record LaunchOptions(
    IReadOnlyList<string>? InitCommand = null,
    string CgroupGroup = "minimesos",
    string DefaultUser = "nobody",
    IReadOnlyList<RlimitSetting>? Rlimits = null,
    TimeSpan? StartTimeout = null,
    long LogCapBytes = 10L << 20,
    int WarmInits = 1,
    TimeSpan? WarmInitMaxAge = null,
    IReadOnlyList<int>? RootCapabilities = null,
    string? CgroupParent = null,
    bool FavorDynMods = false)
{
    public IReadOnlyList<int> ResolvedRootCapabilities => RootCapabilities ?? TaskCapabilities.Parse(TaskCapabilities.Default).Numbers;

    public IReadOnlyList<string> ResolvedInitCommand =>
        InitCommand ?? [Environment.ProcessPath ?? throw new TaskLaunchException("cannot find the path of this executable to start task init")];

    public TimeSpan ResolvedWarmInitMaxAge => WarmInitMaxAge ?? TimeSpan.FromSeconds(60);

    public IReadOnlyList<RlimitSetting> ResolvedRlimits => Rlimits ?? [new RlimitSetting("core", 0, 0)];
}
