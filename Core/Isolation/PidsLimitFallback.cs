namespace MiniMesos.Core.Isolation;

/// <summary>
/// Without a cgroup v2 pids controller a task's process limit falls back to RLIMIT_NPROC of its user. Weaker:
/// the kernel counts every process of that user on the host (all tasks running as nobody share it) and does not
/// apply it to root. Pure, so the decision is unit-tested without a kernel.
/// </summary>
internal static class PidsLimitFallback
{
    public const string Note =
        "pids: falling back to RLIMIT_NPROC of the task user for task process limits (it counts all of that user's processes on the host, " +
        "and does not bind root).";

    /// <summary>
    /// The rlimits init applies: <paramref name="rlimits"/>, plus nproc when there is no pids controller to limit them:
    /// maxPids plus the allowance for init's own threads (init drops to the task user too, and nproc counts threads).
    /// </summary>
    public static IReadOnlyList<RlimitSetting> Rlimits(IReadOnlyList<RlimitSetting> rlimits, long maxPids, bool pidsController)
    {
        if (pidsController || maxPids <= 0 || rlimits.Any(r => r.Name == "nproc")) return rlimits;
        var limit = (ulong)(maxPids + CgroupLimitPlan.InitPidsAllowance);
        return [.. rlimits, new RlimitSetting("nproc", limit, limit)];
    }

    /// <summary>The note to add to what the agent reports as missing, when the fallback is in force.</summary>
    public static string? Reported(IReadOnlyList<string> enabledControllers) => enabledControllers.Contains("pids") ? null : Note;
}
