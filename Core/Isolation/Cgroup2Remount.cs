namespace MiniMesos.Core.Isolation;

/// <summary>
/// The remount that turns on cgroup2's <c>favordynmods</c> (Linux 6.0+) while keeping everything else of the mount as
/// it is, planned from <c>/proc/self/mountinfo</c>. Without the option every move of a process into a cgroup
/// (<c>cgroup.procs</c>) takes the global threadgroup rwsem for writing, whose per-CPU fast path has to be switched off
/// with an RCU grace period first: ~10-30 ms once the system has gone ~20 ms without such a move, i.e. on nearly
/// every task launch. With it the slow path is kept on, migrations cost ~0.1-1 ms, and every fork and exit on the host
/// pays a shared rwsem instead of a per-CPU one.
/// </summary>
/// <param name="MountPoint">Where cgroup2 is mounted.</param>
/// <param name="MountFlags">The mount point's own flags to keep (mount(2) remount sets them from the call).</param>
/// <param name="Data">The superblock options to keep, with favordynmods added.</param>
public sealed record Cgroup2Remount(string MountPoint, ulong MountFlags, string Data)
{
    public const string Option = "favordynmods";

    private const ulong MsRdonly = 1, MsNosuid = 2, MsNodev = 4, MsNoexec = 8, MsNoatime = 1024, MsNodiratime = 2048,
        MsRelatime = 1 << 21, MsStrictatime = 1 << 24;

    /// <summary>The remount to make, or null when cgroup2 is not mounted or already has the option.</summary>
    public static Cgroup2Remount? Plan(string mountinfo)
    {
        foreach (var line in mountinfo.Split('\n'))
        {
            // "36 25 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate"
            var dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0) continue;
            var before = line[..dash].Split(' ');
            var after = line[(dash + 3)..].Split(' ');
            if (after.Length < 3 || after[0] != "cgroup2" || before.Length < 6) continue;
            var super = after[2].Split(',', StringSplitOptions.RemoveEmptyEntries);
            if (super.Contains(Option)) return null;
            ulong flags = 0;
            foreach (var o in before[5].Split(','))
            {
                flags |= o switch
                {
                    "ro" => MsRdonly,
                    "nosuid" => MsNosuid,
                    "nodev" => MsNodev,
                    "noexec" => MsNoexec,
                    "noatime" => MsNoatime,
                    "nodiratime" => MsNodiratime,
                    "relatime" => MsRelatime,
                    "strictatime" => MsStrictatime,
                    _ => 0,
                };
            }

            var keep = super.Where(o => o is not ("rw" or "ro")).Append(Option);
            return new Cgroup2Remount(CgroupPaths.UnescapeMountPath(before[4]), flags, string.Join(',', keep));
        }

        return null;
    }
}
