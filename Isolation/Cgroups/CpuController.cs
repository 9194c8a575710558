using MiniMesos.Core.Isolation;

namespace MiniMesos.Isolation.Cgroups;

/// <summary>cpu controller: cpu.max (hard quota) and cpu.weight (share under contention).</summary>
internal static class CpuController
{
    public static void Apply(string dir, TaskLimits limits)
    {
        foreach (var w in CgroupLimitPlan.Cpu(limits))
        {
            CgroupFile.Write(Path.Join(dir, w.File), w.Content);
        }
    }

    /// <summary>CPU time used by the cgroup (cpu.stat usage_usec; present even without the controller).</summary>
    public static long? UsageMicros(string dir) =>
        FlatKeyed.Get(CgroupFile.TryRead(Path.Join(dir, "cpu.stat")) ?? "", "usage_usec");
}
