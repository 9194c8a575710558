namespace MiniMesos.Core.Isolation;

/// <summary>What to tell an operator when a cgroup v2 controller is not available.</summary>
internal static class ControllerAdvice
{
    public static readonly IReadOnlyList<string> Wanted = ["cpu", "memory", "pids"];

    public static string NotOffered(string controller) => controller switch
    {
        "memory" => "memory: the kernel offers no cgroup v2 memory controller, so memory limits are not enforced. " +
                    "Fix: add 'cgroup_enable=memory cgroup_memory=1' to the kernel command line (Raspberry Pi: /boot/firmware/cmdline.txt) " +
                    "and, on a hybrid/v1 layout, 'systemd.unified_cgroup_hierarchy=1'; then reboot.",
        "cpu" => "cpu: no cgroup v2 cpu controller, so cpu limits are not enforced. Fix: boot with 'systemd.unified_cgroup_hierarchy=1' " +
                 "(the controller is bound to a cgroup v1 hierarchy) and reboot.",
        "pids" => "pids: no cgroup v2 pids controller, so fork bombs are not contained. Fix: boot with 'systemd.unified_cgroup_hierarchy=1' and reboot.",
        _ => $"{controller}: not offered by the kernel.",
    };

    public static string NotDelegated(string controller, string agentCgroup, string error) =>
        $"{controller}: offered but cannot be enabled below the agent's cgroup {agentCgroup} ({error}). " +
        "Fix: give the agent a delegated cgroup that holds no process with --cgroup-parent (the package's minimesos-tasks.service).";

    /// <summary>
    /// cgroup v2 forbids controllers below a cgroup that holds processes, and enabling a threaded one (cpu, pids) there
    /// anyway would make the task cgroups unusable, so the agent enables none.
    /// </summary>
    public static string HoldsProcesses(string controller, string cgroup) =>
        $"{controller}: offered, but the cgroup {cgroup} that would hold the task cgroups also holds processes (the agent's own, " +
        "e.g. under systemd), and cgroup v2 allows no controllers below such a cgroup. Fix: --cgroup-parent naming a delegated " +
        "cgroup that holds no process (the package's minimesos-tasks.service: --cgroup-parent /system.slice/minimesos-tasks.service).";

    public const string NoCgroup2 =
        "cgroups: no cgroup v2 filesystem is mounted, so tasks are neither limited nor accounted. " +
        "Fix: boot with 'systemd.unified_cgroup_hierarchy=1' or mount cgroup2.";
}
