using MiniMesos.Core.Isolation;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation.Cgroups;

/// <summary>
/// The agent's place in cgroup v2: <c>&lt;agent cgroup&gt;/&lt;group&gt;/&lt;task&gt;</c>. The group cgroup holds no
/// processes, so controllers can be enabled for the task cgroups below it ("no internal processes" rule).
/// </summary>
internal sealed class CgroupHierarchy
{
    private const UnixFileMode ReadableDir = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private CgroupHierarchy(string groupDir, IReadOnlyList<string> enabled, IReadOnlyList<string> missing)
    {
        GroupDir = groupDir;
        Enabled = enabled;
        Missing = missing;
    }

    public string GroupDir { get; }

    public IReadOnlyList<string> Enabled { get; }

    public IReadOnlyList<string> Missing { get; }

    /// <summary>
    /// Finds cgroup v2, creates the group cgroup below <paramref name="parent"/> (null: the agent's own cgroup) and enables
    /// what the kernel offers; null + advice when unusable.
    /// </summary>
    public static CgroupHierarchy? Detect(string groupName, string? parent, out IReadOnlyList<string> missing)
    {
        var mount = CgroupPaths.FindCgroup2Mount(CgroupFile.TryRead("/proc/self/mountinfo") ?? "");
        var own = parent ?? CgroupPaths.FindOwnCgroup(CgroupFile.TryRead("/proc/self/cgroup") ?? "");
        if (mount is null || own is null)
        {
            missing = [ControllerAdvice.NoCgroup2];
            return null;
        }

        var agentDir = Path.Join(mount, own);
        if (parent is not null && !Directory.Exists(agentDir))
        {
            missing = [$"cgroups: the --cgroup-parent {parent} does not exist ({agentDir}); tasks run without cgroups. Fix: start the unit that holds it (minimesos-tasks.service) or name an existing delegated cgroup."];
            return null;
        }

        // Not the root cgroup and holding processes (the agent itself, under systemd): no controller may be enabled
        // below it. Enabling a threaded one (cpu, pids) would even succeed and make every task cgroup refuse processes.
        var holdsProcesses = own != "/" && CgroupFile.ReadWords(Path.Join(agentDir, "cgroup.procs")).Count > 0;
        var groupDir = Path.Join(agentDir, groupName);
        var problems = new List<string>();
        try
        {
            // 0755 whatever the agent's umask: a task reads its own limits (runtimes size their heaps from memory.max).
            Directory.CreateDirectory(groupDir, ReadableDir);
            File.SetUnixFileMode(groupDir, ReadableDir); // also one an earlier agent made under umask 077
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            missing = [$"cgroups: cannot create {groupDir} ({e.Message}); tasks run without cgroups. Fix: run the agent as root with a delegated cgroup."];
            return null;
        }

        var offered = CgroupFile.ReadWords(Path.Join(agentDir, "cgroup.controllers"));
        foreach (var c in ControllerAdvice.Wanted)
        {
            if (!offered.Contains(c))
            {
                problems.Add(ControllerAdvice.NotOffered(c));
                continue;
            }

            if (holdsProcesses)
            {
                problems.Add(ControllerAdvice.HoldsProcesses(c, own));
                continue;
            }

            if (!TryEnable(agentDir, c, out var error))
            {
                problems.Add(ControllerAdvice.NotDelegated(c, own, error));
                continue;
            }

            TryEnable(groupDir, c, out _);
        }

        var enabled = CgroupFile.ReadWords(Path.Join(groupDir, "cgroup.subtree_control"))
            .Where(ControllerAdvice.Wanted.Contains).ToList();
        missing = problems;
        return new CgroupHierarchy(groupDir, enabled, problems);
    }

    public TaskCgroup CreateTask(string taskId, TaskLimits limits)
    {
        var dir = Path.Join(GroupDir, taskId);
        if (Directory.Exists(dir))
        {
            var stale = new TaskCgroup(dir);
            if (stale.IsPopulated())
            {
                throw new TaskLaunchException($"cgroup {dir} still holds processes: is task {taskId} already running?");
            }

            stale.TryRemove();
        }

        Directory.CreateDirectory(dir, ReadableDir);
        File.SetUnixFileMode(dir, ReadableDir); // mkdir's mode passes through the umask (077 in the daemons)
        var cg = new TaskCgroup(dir);
        try
        {
            if (Enabled.Contains("cpu")) CpuController.Apply(dir, limits);
            if (Enabled.Contains("memory")) MemoryController.Apply(dir, limits);
            if (Enabled.Contains("pids")) PidsController.Apply(dir, limits);
        }
        catch (LibcException e)
        {
            cg.TryRemove();
            throw new TaskLaunchException($"cannot set the limits of task {taskId}: {e.Message}", e);
        }

        return cg;
    }

    private static bool TryEnable(string dir, string controller, out string error)
    {
        error = "";
        if (CgroupFile.ReadWords(Path.Join(dir, "cgroup.subtree_control")).Contains(controller))
        {
            return true;
        }

        try
        {
            CgroupFile.Write(Path.Join(dir, "cgroup.subtree_control"), "+" + controller);
            return true;
        }
        catch (LibcException e)
        {
            error = e.Message;
            return false;
        }
    }
}
