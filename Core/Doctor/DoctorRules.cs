using MiniMesos.Core.Isolation;

namespace MiniMesos.Core.Doctor;

/// <summary>
/// Judges a node's <see cref="NodeFacts"/> for the master and agent roles: each item with its status and fix. A Fail
/// blocks a role it concerns (the exit code is 1); a Warn works with a caveat. Pure.
/// </summary>
internal static class DoctorRules
{
    public const long FailFreeBytes = 100L << 20;
    public const long WarnFreeBytes = 1L << 30;
    private static readonly DoctorRole[] Both = [DoctorRole.Master, DoctorRole.Agent];
    private static readonly DoctorRole[] AgentOnly = [DoctorRole.Agent];
    private static readonly DoctorRole[] MasterOnly = [DoctorRole.Master];

    /// <summary>Every check that concerns <paramref name="role"/> (null: both roles), in a stable order.</summary>
    public static IReadOnlyList<DoctorCheck> Evaluate(NodeFacts facts, DoctorRole? role)
    {
        var checks = new List<DoctorCheck> { Libraries(facts) };
        checks.Add(Root(facts));
        checks.Add(Cgroup2(facts));
        checks.AddRange(Controllers(facts));
        checks.Add(Delegation(facts));
        checks.Add(Namespaces(facts));
        checks.AddRange(facts.Ports.Select(Port));
        checks.Add(Multicast(facts));
        checks.Add(Clock(facts));
        foreach (var dir in facts.Dirs)
        {
            checks.Add(DirAccess(dir));
            checks.Add(Disk(dir));
        }
        return role is { } r ? checks.Where(c => c.Roles.Contains(r)).ToList() : checks;
    }

    /// <summary>1 when some check fails (it blocks a role asked for), else 0.</summary>
    public static int ExitCode(IReadOnlyList<DoctorCheck> checks) => checks.Any(c => c.Status == DoctorStatus.Fail) ? 1 : 0;

    private static DoctorCheck Libraries(NodeFacts f) => f.MissingLibraries.Count == 0
        ? new("libssl", DoctorStatus.Ok, Both, "libssl.so.3 and libcrypto.so.3 load (the binary loads them at run time, not only libc)")
        : new("libssl", DoctorStatus.Fail, Both, $"cannot load {string.Join(", ", f.MissingLibraries)}: master, agent and dev stop at start-up",
            "install OpenSSL 3 (Debian, Raspberry Pi OS, Ubuntu: apt install libssl3; other distributions: their openssl 3 package)");

    private static DoctorCheck Root(NodeFacts f) => f.IsRoot
        ? new("root", DoctorStatus.Ok, AgentOnly, "running as root: the agent can isolate tasks")
        : new("root", DoctorStatus.Fail, AgentOnly, "not root: an agent started like this cannot give tasks namespaces, cgroups or another user",
            "run the agent as root (its systemd unit does); run this check as root to see what the agent will see");

    private static DoctorCheck Cgroup2(NodeFacts f) => f.Cgroup2Mounted
        ? new("cgroup2", DoctorStatus.Ok, AgentOnly, "cgroup v2 is mounted")
        : new("cgroup2", DoctorStatus.Fail, AgentOnly, "no cgroup v2 file system is mounted: tasks would be neither limited nor accounted",
            "boot with 'systemd.unified_cgroup_hierarchy=1' (Raspberry Pi: append it to /boot/firmware/cmdline.txt) or mount cgroup2 on /sys/fs/cgroup; then reboot");

    private static IEnumerable<DoctorCheck> Controllers(NodeFacts f)
    {
        if (!f.Cgroup2Mounted) yield break;
        foreach (var c in ControllerAdvice.Wanted)
        {
            var name = $"cgroup-{c}";
            if (f.KernelControllers.Contains(c))
            {
                yield return new(name, DoctorStatus.Ok, AgentOnly, $"the kernel offers the {c} controller");
                continue;
            }
            // Without memory limits one task can take a Pi down: that blocks the agent; cpu and pids are caveats.
            var status = c == "memory" ? DoctorStatus.Fail : DoctorStatus.Warn;
            yield return new(name, status, AgentOnly, $"the kernel offers no cgroup v2 {c} controller", ControllerFix(c, f));
        }
    }

    private static string ControllerFix(string controller, NodeFacts f)
    {
        if (controller != "memory") return FixOf(ControllerAdvice.NotOffered(controller));
        var words = f.KernelCommandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var missing = new[] { "cgroup_enable=memory", "cgroup_memory=1" }.Where(w => !words.Contains(w)).ToList();
        if (f.IsRaspberryPi && missing.Count > 0)
            return $"Raspberry Pi: append '{string.Join(' ', missing)}' to the single line of /boot/firmware/cmdline.txt (/boot/cmdline.txt on older " +
                "systems), then reboot";
        return FixOf(ControllerAdvice.NotOffered(controller));
    }

    /// <summary>The "Fix: ..." part of an isolation advice (the rest says what is missing, which the detail already does).</summary>
    private static string FixOf(string advice) =>
        advice.IndexOf("Fix: ", StringComparison.Ordinal) is var i and >= 0 ? advice[(i + 5)..] : advice;

    private static DoctorCheck Delegation(NodeFacts f)
    {
        const string fix = "run the agent from its systemd unit (Delegate=yes gives it its own cgroup subtree with the controllers), as root";
        if (!f.Cgroup2Mounted || f.OwnCgroup is null)
            return new("cgroup-delegation", DoctorStatus.Warn, AgentOnly, "this process's cgroup is unknown", fix);
        var notOffered = ControllerAdvice.Wanted.Where(c => f.KernelControllers.Contains(c) && !f.OwnControllers.Contains(c)).ToList();
        if (!f.OwnCgroupWritable)
            return new("cgroup-delegation", DoctorStatus.Warn, AgentOnly,
                $"this process's cgroup {f.OwnCgroup} is not writable: an agent started here could not create task cgroups", fix);
        if (notOffered.Count > 0)
            return new("cgroup-delegation", DoctorStatus.Warn, AgentOnly,
                $"{string.Join(", ", notOffered)} not delegated to this process's cgroup {f.OwnCgroup}", fix);
        return new("cgroup-delegation", DoctorStatus.Ok, AgentOnly, $"this process's cgroup {f.OwnCgroup} is writable and offered {string.Join(" ", f.OwnControllers)}");
    }

    private static DoctorCheck Namespaces(NodeFacts f) => f.MissingNamespaces.Count == 0
        ? new("namespaces", DoctorStatus.Ok, AgentOnly, "pid, mount, uts, ipc and net namespaces are available")
        : new("namespaces", DoctorStatus.Fail, AgentOnly, $"namespaces missing or disabled: {string.Join(", ", f.MissingNamespaces)}",
            "use a kernel with namespaces (every Debian and Raspberry Pi OS kernel has them) and set user.max_<kind>_namespaces above 0 (sysctl)");

    private static DoctorCheck Port(PortFact p) => p.Problem is null
        ? new($"port-{p.Port}", DoctorStatus.Ok, [p.Role], $"{p.What} port {p.Port} is free")
        : new($"port-{p.Port}", DoctorStatus.Fail, [p.Role], $"{p.What} port {p.Port} cannot be bound: {p.Problem}",
            $"stop what listens there (see: ss -ltnp 'sport = :{p.Port}'; a master already running?) or choose another port with the role's flag");

    private static DoctorCheck Multicast(NodeFacts f) => f.MulticastProblem is null
        ? new("mdns", DoctorStatus.Ok, Both, $"joined the mDNS group 224.0.0.251 on {f.MulticastInterface}")
        : new("mdns", DoctorStatus.Warn, Both, $"mDNS multicast unusable: {f.MulticastProblem}; nodes will not find each other by themselves",
            "connect the node to a LAN (an interface with an IPv4 address that is up and multicast-capable) and allow UDP 5353 to 224.0.0.251, " +
            "or name the masters explicitly (master --join, agent --master) and pass --no-mdns");

    private static DoctorCheck Clock(NodeFacts f) => f.ClockSynchronised switch
    {
        true => new("clock", DoctorStatus.Ok, Both, "the kernel reports the clock synchronised"),
        false => new("clock", DoctorStatus.Warn, Both,
            "the kernel reports the clock not synchronised (adjtimex: STA_UNSYNC); timeouts do not mind, but job schedules and the times shown do",
            "enable time synchronisation (systemd-timesyncd or chrony) and let it reach a time server; a Raspberry Pi has no real-time clock and starts with a stale time"),
        null => new("clock", DoctorStatus.Warn, Both, "the clock's synchronisation state could not be read (adjtimex)",
            "enable time synchronisation (systemd-timesyncd or chrony)"),
    };

    private static DoctorCheck DirAccess(DirFact d)
    {
        var name = d.Role == DoctorRole.Master ? "data-dir" : "work-dir";
        if (d.Problem is { } problem)
            return new(name, DoctorStatus.Fail, [d.Role], $"{d.Path}: {problem}", $"create it as the user that runs the {Role(d.Role)}: install -d -m 700 {d.Path}");
        if (!d.Writable)
            return new(name, DoctorStatus.Fail, [d.Role], d.Exists ? $"{d.Path} is not writable by this user" : $"{d.Path} does not exist and cannot be created by this user",
                $"run the {Role(d.Role)} as root, or create it for its user: install -d -m 700 -o <user> {d.Path}");
        if (!d.Exists) return new(name, DoctorStatus.Ok, [d.Role], $"{d.Path} does not exist yet and will be created (0700)");
        if (d.Mode is { } mode && (mode & 0b000_111_111) != 0)
            return new(name, DoctorStatus.Warn, [d.Role], $"{d.Path} is readable by others (mode {Convert.ToString(mode & 0xFFF, 8)}): it holds the cluster state and token",
                $"chmod 700 {d.Path}");
        return new(name, DoctorStatus.Ok, [d.Role], $"{d.Path} is writable and private{(d.Mode is { } m ? $" (mode {Convert.ToString(m & 0xFFF, 8)})" : "")}");
    }

    private static DoctorCheck Disk(DirFact d)
    {
        var name = d.Role == DoctorRole.Master ? "disk-master" : "disk-agent";
        if (d.FreeBytes is not { } free) return new(name, DoctorStatus.Warn, [d.Role], $"free space for {d.Path} could not be read");
        var text = $"{free / (1 << 20)} MiB free for {d.Path}";
        if (free < FailFreeBytes)
            return new(name, DoctorStatus.Fail, [d.Role], text, $"free space there (at least {FailFreeBytes >> 20} MiB; 1 GiB or more is comfortable) or use another directory");
        if (free < WarnFreeBytes)
            return new(name, DoctorStatus.Warn, [d.Role], text, d.Role == DoctorRole.Agent
                ? "free space there: task sandboxes and their output live in the work directory (finished ones are collected, see --gc-min-free-percent)"
                : "free space there: the Raft log and snapshots live in the data directory");
        return new(name, DoctorStatus.Ok, [d.Role], text);
    }

    private static string Role(DoctorRole role) => role == DoctorRole.Master ? "master" : "agent";
}
