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
        "Fix: run the agent as a systemd service with Delegate=yes (cgroup v2 forbids enabling controllers in a cgroup that holds processes).";

    public const string NoCgroup2 =
        "cgroups: no cgroup v2 filesystem is mounted, so tasks are neither limited nor accounted. " +
        "Fix: boot with 'systemd.unified_cgroup_hierarchy=1' or mount cgroup2.";
}
