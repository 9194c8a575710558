namespace MiniMesos.Core.Isolation;

/// <summary>
/// Linux capabilities by name, for `--task-capabilities`: what a task running as root keeps in its bounding set.
/// A task of any other user keeps none. The default leaves out every capability that reaches past the task's own
/// files and processes (mounts, modules, raw I/O, ptrace, admin of the network or system, mknod, raw sockets).
/// </summary>
internal static class TaskCapabilities
{
    private static readonly string[] Names =
    [
        "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap",
        "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
        "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
        "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write", "audit_control", "setfcap",
        "mac_override", "mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf",
        "checkpoint_restore",
    ];

    /// <summary>What root tasks keep unless the agent says otherwise.</summary>
    public const string Default = "chown,dac_override,fowner,fsetid,kill,setgid,setuid,net_bind_service";

    /// <summary>Capability numbers for a comma-separated list ("none" or "" = none), or the first unknown name.</summary>
    public static (IReadOnlyList<int> Numbers, string? Unknown) Parse(string list)
    {
        var numbers = new List<int>();
        if (list.Trim() is "" or "none") return (numbers, null);
        foreach (var raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = raw.ToLowerInvariant();
            if (name.StartsWith("cap_", StringComparison.Ordinal)) name = name[4..];
            var i = Array.IndexOf(Names, name);
            if (i < 0) return ([], raw);
            if (!numbers.Contains(i)) numbers.Add(i);
        }

        return (numbers, null);
    }
}
