namespace MiniMesos.Core.Isolation;

/// <summary>
/// Turns a task's <see cref="TaskLimits"/> into cgroup v2 file contents. Pure: the writer in Isolation/Cgroups
/// applies the result, so the arithmetic is unit-tested without a kernel.
/// </summary>
internal static class CgroupLimitPlan
{
    /// <summary>CFS period; 100 ms is the kernel default and keeps quota rounding small.</summary>
    public const long CpuPeriodMicros = 100_000;

    /// <summary>The kernel refuses quotas under 1 ms.</summary>
    public const long MinCpuQuotaMicros = 1_000;

    /// <summary>
    /// Threads of the task's init process, which share the task's pids.max (pids.max counts threads);
    /// added so a task asking for N processes gets N for its own command.
    /// </summary>
    public const long InitPidsAllowance = 16;

    public static IReadOnlyList<CgroupFileWrite> Compute(TaskLimits limits) => [.. Cpu(limits), .. Memory(limits), .. Pids(limits)];

    public static IReadOnlyList<CgroupFileWrite> Cpu(TaskLimits limits) =>
    [
        new("cpu", "cpu.max", CpuMax(limits.Cpus)),
        new("cpu", "cpu.weight", Num(CpuWeight(limits.Cpus))),
    ];

    public static IReadOnlyList<CgroupFileWrite> Memory(TaskLimits limits) => limits.MemoryBytes > 0
        // swap 0: without it a task over its limit swaps instead of being OOM-killed, hiding the overrun.
        ? [new("memory", "memory.max", Num(limits.MemoryBytes)), new("memory", "memory.swap.max", "0")]
        : [new("memory", "memory.max", "max")];

    public static IReadOnlyList<CgroupFileWrite> Pids(TaskLimits limits) =>
        [new("pids", "pids.max", limits.MaxPids > 0 ? Num(limits.MaxPids + InitPidsAllowance) : "max")];

    private static string Num(long n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"quota period" in microseconds, or "max period" for no limit.</summary>
    public static string CpuMax(double cpus)
    {
        if (cpus <= 0 || double.IsNaN(cpus) || double.IsInfinity(cpus))
        {
            return $"max {CpuPeriodMicros}";
        }

        var quota = Math.Max(MinCpuQuotaMicros, (long)Math.Round(cpus * CpuPeriodMicros));
        return $"{quota} {CpuPeriodMicros}";
    }

    /// <summary>Share under contention proportional to cpus: 1 cpu = the kernel default of 100, clamped to [1, 10000].</summary>
    public static long CpuWeight(double cpus)
    {
        if (cpus <= 0 || double.IsNaN(cpus) || double.IsInfinity(cpus))
        {
            return 100;
        }

        return Math.Clamp((long)Math.Round(cpus * 100), 1, 10_000);
    }
}
