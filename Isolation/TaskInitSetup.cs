using System.Runtime.InteropServices;
using System.Text;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation;

/// <summary>What init does between "go" and the command running: mounts, hostname, rlimits, files, private temp
/// dirs, user, privileges, spawn.</summary>
internal static class TaskInitSetup
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    internal sealed record Prepared(int ChildPid, int DevNullFd, int StdoutFd, int StderrFd, int StatusFd);

    /// <summary>
    /// Init's own fresh namespaces, before the go byte (it needs nothing of the task): `/` made rprivate first (a new
    /// mount namespace keeps shared propagation, so /proc would leak to the host otherwise), then a fresh /proc.
    /// </summary>
    public static void MakeMountsPrivate()
    {
        LibcError.Check(Mount.mount(null, "/", null, Mount.MS_REC | Mount.MS_PRIVATE, 0), "mount --make-rprivate /");
        LibcError.Check(Mount.mount("proc", "/proc", "proc", Mount.MS_NOSUID | Mount.MS_NODEV | Mount.MS_NOEXEC, 0), "mount /proc");
    }

    /// <summary>
    /// After <see cref="MakeMountsPrivate"/> (unless joined). <paramref name="trace"/>: null, or <see cref="LaunchTrace"/>'s
    /// phases so far, to which this adds its own.
    /// </summary>
    public static Prepared PrepareAndSpawn(TaskInitOptions o, IReadOnlyDictionary<string, string> env, ref string? trace)
    {
        // Joined to a running task's namespaces (a health check inside it): they are set up already, and its
        // mounts, /proc and hostname belong to the task.
        if (!o.Joined)
        {
            LibcError.Check(Unistd.sethostname(o.Hostname, (nuint)Encoding.UTF8.GetByteCount(o.Hostname)), "sethostname");
            if (o.LoopbackUp)
            {
                BringLoopbackUp(); // a fresh network namespace starts with lo down; tasks without network still use localhost
            }
        }

        foreach (var r in o.Rlimits)
        {
            var lim = new Resource.rlimit { rlim_cur = r.Soft, rlim_max = r.Hard };
            LibcError.Check(Resource.setrlimit(RlimitNumber(r.Name), lim), "setrlimit", r);
        }

        var user = o.Uid is { } dynamicUid
            ? new PasswdEntry("", dynamicUid, dynamicUid, o.SandboxDir)
            : PasswdEntry.Find(File.ReadAllText("/etc/passwd"), o.User) ?? throw new InvalidOperationException($"unknown user '{o.User}' (not in /etc/passwd)");

        // The task's files the agent reads (logs, exit status) live in its root-only meta dir, which the task can
        // neither list nor change: nothing there is a name the task chose.
        var wflags = Fcntl.O_WRONLY | Fcntl.O_CREAT | Fcntl.O_APPEND | Fcntl.O_CLOEXEC | Fcntl.O_NOFOLLOW | Fcntl.O_NOCTTY;
        var devNull = LibcError.Check(Fcntl.open("/dev/null", Fcntl.O_RDWR | Fcntl.O_CLOEXEC, 0), "open /dev/null");
        var meta = o.ResolvedMetaDir;
        if (o.Joined)
        {
            // A check inside a running task: init is already in the task's mount namespace, where every path is the
            // task's to arrange. It opens nothing by path; the command's output is dropped and its end is init's own.
            return FinishAndSpawn(o, env, user, devNull, devNull, devNull, -1, -1, -1, ref trace);
        }

        var outFd = LibcError.Check(Fcntl.open(Path.Combine(meta, TaskInit.StdoutFile), wflags, 0b110_000_000), "open task stdout");
        var errFd = LibcError.Check(Fcntl.open(Path.Combine(meta, TaskInit.StderrFile), wflags, 0b110_000_000), "open task stderr");
        // Opened while still root and owned by root, so the task cannot write its own verdict.
        var statusFd = LibcError.Check(
            Fcntl.open(Path.Combine(meta, ExitStatusFile.FileName), Fcntl.O_WRONLY | Fcntl.O_CREAT | Fcntl.O_TRUNC | Fcntl.O_CLOEXEC | Fcntl.O_NOFOLLOW, 0b110_000_000),
            "open task exit status");
        if (user.Uid != 0)
        {
            // The command may reopen its own output (echo >/dev/stderr goes through /proc/self/fd/2).
            LibcError.Check(Unistd.fchown(outFd, user.Uid, user.Gid), "chown task stdout");
            LibcError.Check(Unistd.fchown(errFd, user.Uid, user.Gid), "chown task stderr");
        }

        // Fresh sandbox, nothing of the task has run yet: make its private temp dir, then hand it the sandbox.
        var sandboxFd = LibcError.Check(Fcntl.open(o.SandboxDir, Fcntl.O_RDONLY | Fcntl.O_DIRECTORY | Fcntl.O_NOFOLLOW | Fcntl.O_CLOEXEC, 0), "open sandbox");
        var tmp = PrivateTmp.MakeDir(sandboxFd, user);
        LibcError.Check(Unistd.fchown(sandboxFd, user.Uid, user.Gid), "chown sandbox");
        LibcError.Check(Fcntl.fchmod(sandboxFd, 0b111_000_000), "chmod sandbox 0700");
        return FinishAndSpawn(o, env, user, devNull, outFd, errFd, statusFd, tmp, sandboxFd, ref trace);
    }

    /// <summary>Rootfs, cwd, private temp dirs, privileges, then the command.</summary>
    private static Prepared FinishAndSpawn(TaskInitOptions o, IReadOnlyDictionary<string, string> env, PasswdEntry user,
        int devNull, int outFd, int errFd, int statusFd, int tmp, int sandboxFd, ref string? trace)
    {
        Fcntl.umask(0b000_010_010); // the daemons' 077 is theirs: the task's mount points and command get the usual 022

        // The sandbox files are open: from here on the task may see only its rootfs, with the sandbox inside.
        var cwd = o.SandboxDir;
        var rootfs = o.Overlay is not null && !o.Joined ? Images.OverlayMount.Mount(o.Overlay, o.Layers!) : o.Rootfs;
        if (rootfs is not null && !o.Joined)
        {
            TaskInitRootfs.Enter(rootfs, RootfsPlan.Build(rootfs, o.SandboxDir, o.Binds));
            cwd = RootfsPlan.SandboxInside;
        }

        // Into the sandbox first: it may itself lie below /tmp (tests), which the private one then hides.
        LibcError.Check(Unistd.chdir(cwd), "chdir sandbox");
        if (tmp >= 0)
        {
            PrivateTmp.Mount(tmp, o.ShmBytes, rootfs is null ? null : RootfsPlan.SandboxInside + "/" + PrivateTmp.DirName);
            if (rootfs is null) PrivateTmp.KeepReachable(sandboxFd, o.SandboxDir);
            Unistd.close(tmp);
        }

        if (o.WorkDir is not null && o.Overlay is not null && !o.Joined)
        {
            Images.OverlayMount.EnterWorkDir(o.WorkDir);
            cwd = o.WorkDir;
        }

        if (sandboxFd >= 0) Unistd.close(sandboxFd);
        Privileges.Drop(user, o.Capabilities ?? []);

        var path = env.GetValueOrDefault("PATH") ?? DefaultPath;
        var exe = ExecutableLookup.Resolve(o.Argv[0], path, cwd)
            ?? throw new InvalidOperationException($"command not found: {o.Argv[0]} (PATH={path})");
        var envList = env.Select(e => string.Concat(e.Key, "=", e.Value)).ToList();

        // Descriptors the agent inherited from whoever started it without close-on-exec reach init (Process.Start keeps
        // them): none may reach the command. Its stdio is dup2'ed by posix_spawn, which clears the flag on the copies.
        LibcError.Check(Unistd.close_range(3, uint.MaxValue, Unistd.CLOSE_RANGE_CLOEXEC), "close_range CLOEXEC");
        if (trace is not null) trace += " init-setup=" + LaunchTrace.NowMicros().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var pid = SpawnCommand(exe, o.Argv, envList, devNull, outFd, errFd);
        if (trace is not null) trace += " init-spawned=" + LaunchTrace.NowMicros().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Prepared(pid, devNull, outFd, errFd, statusFd);
    }

    private static unsafe void BringLoopbackUp()
    {
        var fd = LibcError.Check(Socket.socket(Socket.AF_INET, Socket.SOCK_DGRAM | Socket.SOCK_CLOEXEC, 0), "socket");
        try
        {
            var req = default(Socket.ifreq);
            req.ifr_name[0] = (byte)'l';
            req.ifr_name[1] = (byte)'o';
            LibcError.Check(Socket.ioctl(fd, Socket.SIOCGIFFLAGS, &req), "ioctl SIOCGIFFLAGS lo");
            req.ifr_flags |= Socket.IFF_UP;
            LibcError.Check(Socket.ioctl(fd, Socket.SIOCSIFFLAGS, &req), "ioctl SIOCSIFFLAGS lo");
        }
        finally
        {
            Unistd.close(fd);
        }
    }

    private static int RlimitNumber(string name) => name switch
    {
        "core" => Resource.RLIMIT_CORE,
        "fsize" => Resource.RLIMIT_FSIZE,
        "nofile" => Resource.RLIMIT_NOFILE,
        "nproc" => Resource.RLIMIT_NPROC,
        _ => throw new InvalidOperationException($"unknown rlimit {name}"),
    };

    /// <summary>posix_spawn with stdio on the sandbox files, default signal dispositions, an empty mask and a new session.</summary>
    private static unsafe int SpawnCommand(string exe, IReadOnlyList<string> argv, IReadOnlyList<string> env, int stdin, int stdout, int stderr)
    {
        var strings = new List<IntPtr>();
        var argvBlock = (byte**)NativeMemory.AllocZeroed((nuint)(argv.Count + 1), (nuint)sizeof(byte*));
        var envBlock = (byte**)NativeMemory.AllocZeroed((nuint)(env.Count + 1), (nuint)sizeof(byte*));
        var actions = NativeMemory.AllocZeroed(Spawn.OpaqueSize);
        var attr = NativeMemory.AllocZeroed(Spawn.OpaqueSize);
        var sigs = NativeMemory.AllocZeroed(Signal.SigsetSize);
        try
        {
            for (var i = 0; i < argv.Count; i++)
            {
                strings.Add(Marshal.StringToCoTaskMemUTF8(argv[i]));
                argvBlock[i] = (byte*)strings[^1];
            }

            for (var i = 0; i < env.Count; i++)
            {
                strings.Add(Marshal.StringToCoTaskMemUTF8(env[i]));
                envBlock[i] = (byte*)strings[^1];
            }

            SpawnCheck(Spawn.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            SpawnCheck(Spawn.posix_spawn_file_actions_adddup2(actions, stdin, 0), "adddup2 stdin");
            SpawnCheck(Spawn.posix_spawn_file_actions_adddup2(actions, stdout, 1), "adddup2 stdout");
            SpawnCheck(Spawn.posix_spawn_file_actions_adddup2(actions, stderr, 2), "adddup2 stderr");
            SpawnCheck(Spawn.posix_spawnattr_init(attr), "posix_spawnattr_init");
            SpawnCheck(Spawn.posix_spawnattr_setflags(attr, Spawn.POSIX_SPAWN_SETSIGDEF | Spawn.POSIX_SPAWN_SETSIGMASK | Spawn.POSIX_SPAWN_SETSID), "setflags");
            Signal.sigemptyset(sigs);
            SpawnCheck(Spawn.posix_spawnattr_setsigmask(attr, sigs), "setsigmask");
            // The runtime handles many signals; the command must start with every disposition at its default.
            Signal.sigfillset(sigs);
            SpawnCheck(Spawn.posix_spawnattr_setsigdefault(attr, sigs), "setsigdefault");
            SpawnCheck(Spawn.posix_spawn(out var pid, exe, actions, attr, argvBlock, envBlock), "posix_spawn " + exe);
            return pid;
        }
        finally
        {
            Spawn.posix_spawn_file_actions_destroy(actions);
            Spawn.posix_spawnattr_destroy(attr);
            foreach (var s in strings)
            {
                Marshal.FreeCoTaskMem(s);
            }

            NativeMemory.Free(argvBlock);
            NativeMemory.Free(envBlock);
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
            NativeMemory.Free(sigs);
        }
    }

    private static void SpawnCheck(int rc, string call)
    {
        if (rc != 0)
        {
            throw new LibcException(call, rc);
        }
    }
}
