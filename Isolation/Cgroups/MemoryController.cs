using MiniMesos.Core.Isolation;

namespace MiniMesos.Isolation.Cgroups;

/// <summary>memory controller: memory.max, no swap, and OOM kill detection from memory.events.</summary>
internal static class MemoryController
{
    public static void Apply(string dir, TaskLimits limits)
    {
        foreach (var w in CgroupLimitPlan.Memory(limits))
        {
            var file = Path.Join(dir, w.File);
            if (w.File == "memory.swap.max" && !File.Exists(file))
            {
                continue; // kernel built without swap accounting: nothing to turn off
            }

            CgroupFile.Write(file, w.Content);
        }
    }

    /// <summary>How many processes the OOM killer killed in this cgroup; 0 without the controller.</summary>
    public static long OomKills(string dir) =>
        FlatKeyed.Get(CgroupFile.TryRead(Path.Join(dir, "memory.events")) ?? "", "oom_kill") ?? 0;
}
