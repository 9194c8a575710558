using MiniMesos.Core.Isolation;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation.Cgroups;

/// <summary>
/// Turns on cgroup2's <c>favordynmods</c> (<see cref="Cgroup2Remount"/>): without it a launch's one move into the
/// task's cgroup waits for an RCU grace period whenever no move happened in the last ~20 ms, which was most of a
/// launch's time after an idle gap (bench/launch-latency). A host-wide superblock option: the agent sets it once and
/// leaves it (a later agent finds it set).
/// </summary>
internal static class CgroupMigrationSpeed
{
    private const ulong MsRemount = 32;

    /// <summary>What was done, for the log (null: nothing to do), or a problem with its fix.</summary>
    public static (string? Done, string? Problem) Enable()
    {
        if (Cgroup2Remount.Plan(CgroupFile.TryRead("/proc/self/mountinfo") ?? "") is not { } plan) return (null, null);
        if (Mount.mount_with_options("cgroup2", plan.MountPoint, "cgroup2", MsRemount | plan.MountFlags, plan.Data) == 0)
        {
            return ($"cgroup2 at {plan.MountPoint} remounted with {Cgroup2Remount.Option} (moving a task's init into its cgroup no longer waits for an RCU grace period)", null);
        }

        return (null, $"cgroups: could not turn on {Cgroup2Remount.Option} on {plan.MountPoint} ({LibcError.Describe(LibcError.LastErrno)}): a launch may wait 10-30 ms " +
            $"for each move into a task cgroup. Fix: Linux 6.0 or newer, or mount -o remount,{plan.Data} {plan.MountPoint}.");
    }
}
