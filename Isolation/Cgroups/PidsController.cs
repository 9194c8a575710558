using MiniMesos.Core.Isolation;

namespace MiniMesos.Isolation.Cgroups;

/// <summary>pids controller: pids.max (counts threads too) and how often forks hit it.</summary>
internal static class PidsController
{
    public static void Apply(string dir, TaskLimits limits)
    {
        foreach (var w in CgroupLimitPlan.Pids(limits))
        {
            CgroupFile.Write(Path.Join(dir, w.File), w.Content);
        }
    }

    public static long LimitHits(string dir) =>
        FlatKeyed.Get(CgroupFile.TryRead(Path.Join(dir, "pids.events")) ?? "", "max") ?? 0;
}
