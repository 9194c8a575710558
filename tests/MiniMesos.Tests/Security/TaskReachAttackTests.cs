using System.Diagnostics;
using System.Net.Sockets;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using MiniMesos.Isolation.Libc;
using MiniMesos.Tests.Isolation;
using Xunit;

namespace MiniMesos.Tests.Security;

/// <summary>
/// What a hostile task could reach beyond files: the host's other shared writable places, descriptors it might
/// inherit, other tasks' processes (signals, ptrace, /proc), abstract unix sockets and the agent's work dir. Real tasks
/// on a real launcher as root; tasks print "BAD ..." when an attack step succeeds.
/// </summary>
[Collection(HostileTaskCollection.Name)]
public sealed class TaskReachAttackTests(LauncherFixture fx)
{
    /// <summary>Per-task uids below <see cref="TaskAttackTests"/>'s, distinct per test.</summary>
    private const uint UidBase = 1879112900;

    [Fact]
    public async Task RunLockAndMessageQueuesAreTheTasksOwn()
    {
        var mountedMqueue = EnsureHostMqueue();
        var name = "mm-" + Guid.NewGuid().ToString("N")[..12];
        var hostLock = Path.Combine("/run/lock", name + "-host");
        File.WriteAllText(hostLock, "host\n");
        Assert.Equal(0, Unistd.close(Fcntl.open(Path.Combine("/dev/mqueue", name + "-host"), Fcntl.O_WRONLY | Fcntl.O_CREAT | Fcntl.O_CLOEXEC, 0b110_100_100)));
        try
        {
            var script = $"cat '{hostLock}' && echo BAD host-lock; ls /dev/mqueue | grep -q . && echo BAD host-queue; " +
                $"echo own > /run/lock/{name} && cat /run/lock/{name}; echo own > /var/lock/{name}-v && cat /var/lock/{name}-v; " +
                $": > /dev/mqueue/{name} && ls /dev/mqueue";
            var r = fx.Request("t-reach-lock", script, uid: UidBase + 1);
            var (exit, stdout) = await fx.RunToEndAsync(r);
            Assert.True(exit == new TaskExit(0, null), $"{exit}: {stdout}{LauncherFixture.Stderr(r)}");
            Assert.DoesNotContain("BAD", stdout);
            Assert.Equal($"own\nown\n{name}\n", stdout); // each place works, and is the task's alone
            Assert.False(File.Exists(Path.Combine("/run/lock", name)));
            Assert.False(File.Exists(Path.Combine("/run/lock", name + "-v")));
            Assert.False(File.Exists(Path.Combine("/dev/mqueue", name)));
        }
        finally
        {
            File.Delete(hostLock);
            File.Delete(Path.Combine("/dev/mqueue", name + "-host"));
            RemoveHostMqueue(mountedMqueue);
        }
    }

    [Fact]
    public async Task AnotherTasksLockFilesAndMessageQueuesAreOutOfReach()
    {
        var mountedMqueue = EnsureHostMqueue();
        var name = "mm-" + Guid.NewGuid().ToString("N")[..12];
        // Task A holds a lock file (flock'd), a POSIX message queue and a System V one, while task B looks for them,
        // takes the same lock and writes the same names; then A checks that its own are as it left them.
        var a = fx.Request("t-reach-ipc-a",
            $"echo a > /run/lock/{name}; exec 9</run/lock/{name}; flock -n 9 || echo BAD a-lock; : > /dev/mqueue/{name}; " +
            $"ipcmk -Q >/dev/null; ipcs -q | grep -c '^0x' > qcount; touch ready; " +
            "i=0; while [ ! -e done ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; " +
            $"cat /run/lock/{name}; ls /dev/mqueue; grep -o 'QSIZE:[0-9]*' /dev/mqueue/{name}; ipcs -q | grep -c '^0x'",
            uid: UidBase + 7);
        var taskA = await fx.Launcher.LaunchAsync(a, default);
        try
        {
            await Eventually.TrueAsync(() => File.Exists(Path.Combine(a.SandboxDir, "ready")), "task A has made its lock and queues");
            Assert.Equal("1", File.ReadAllText(Path.Combine(a.SandboxDir, "qcount")).Trim()); // its System V queue exists
            var attack = $"cat /run/lock/{name} 2>/dev/null && echo BAD read-lock; ls /dev/mqueue | grep -q . && echo BAD sees-queue; " +
                "ipcs -q | grep -q '^0x' && echo BAD sees-sysv-queue; " +
                $"echo b > /run/lock/{name} && flock -n /run/lock/{name} true && echo own lock; " +
                $"echo b > /dev/mqueue/{name} 2>/dev/null; ls /dev/mqueue; ipcmk -Q >/dev/null && ipcs -q | grep -c '^0x'";
            var b = fx.Request("t-reach-ipc-b", attack, uid: UidBase + 8);
            var (exit, stdout) = await fx.RunToEndAsync(b);
            Assert.True(exit == new TaskExit(0, null), $"{exit}: {stdout}{LauncherFixture.Stderr(b)}");
            Assert.DoesNotContain("BAD", stdout);
            Assert.Equal($"own lock\n{name}\n1\n", stdout); // B's own lock, queue and System V queue work, and are B's alone
        }
        finally
        {
            File.WriteAllText(Path.Combine(a.SandboxDir, "done"), "");
        }

        try
        {
            Assert.Equal(new TaskExit(0, null), await taskA.Exited.WaitAsync(LauncherFixture.TaskTimeout));
            Assert.Equal($"a\n{name}\nQSIZE:0\n1\n", LauncherFixture.Stdout(a)); // A's lock file, queue (empty) and System V queue untouched
            Assert.False(File.Exists(Path.Combine("/run/lock", name)));
            Assert.False(File.Exists(Path.Combine("/dev/mqueue", name)));
        }
        finally
        {
            RemoveHostMqueue(mountedMqueue);
        }
    }

    /// <summary>systemd mounts /dev/mqueue (1777) on most hosts; where it is missing the test mounts one as systemd would
    /// (true: <see cref="RemoveHostMqueue"/> takes it away again).</summary>
    private static bool EnsureHostMqueue()
    {
        if (Directory.Exists("/dev/mqueue")) return false;
        Directory.CreateDirectory("/dev/mqueue");
        Assert.Equal(0, Mount.mount("mqueue", "/dev/mqueue", "mqueue", Mount.MS_NOSUID | Mount.MS_NODEV | Mount.MS_NOEXEC, 0));
        return true;
    }

    private static void RemoveHostMqueue(bool mounted)
    {
        if (!mounted) return;
        Mount.umount2("/dev/mqueue", Mount.MNT_DETACH);
        Directory.Delete("/dev/mqueue");
    }

    [Fact]
    public async Task ATaskInheritsNoDescriptorButItsStdio()
    {
        // The test process (the agent here) holds sockets, files and pipes; none may reach the command.
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        using var held = File.OpenRead("/etc/hostname");
        var r = fx.Request("t-reach-fds", "ls /proc/self/fd | sort -n | tr '\\n' ' '", uid: UidBase + 2);
        var (exit, stdout) = await fx.RunToEndAsync(r);
        Assert.Equal(new TaskExit(0, null), exit);
        Assert.Equal("0 1 2 3 ", stdout); // 3 is ls's own directory
    }

    [Fact]
    public async Task OtherTasksProcessesCannotBeSeenSignalledOrTraced()
    {
        var a = fx.Request("t-reach-a", "touch ready; i=0; while [ ! -e done ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; echo alive",
            uid: UidBase + 3);
        var taskA = await fx.Launcher.LaunchAsync(a, default);
        try
        {
            await Eventually.TrueAsync(() => File.Exists(Path.Combine(a.SandboxDir, "ready")), "the task has written its ready file");
            var hostPids = string.Join(' ', File.ReadAllLines(Path.Combine(fx.Launcher.CgroupGroupDir!, "t-reach-a", "cgroup.procs")));
            Assert.NotEmpty(hostPids);
            // /proc/PID/mem, environ and fd take the kernel's ptrace access check: refused there means PTRACE_ATTACH is too.
            var attack = $"for p in {hostPids} {Environment.ProcessId}; do kill -9 $p 2>/dev/null && echo BAD kill $p; " +
                "cat /proc/$p/environ 2>/dev/null && echo BAD environ $p; done; " +
                "kill -9 -1 2>/dev/null; for p in /proc/[0-9]*; do echo ${p#/proc/}; done | sort -n | head -1; " +
                "head -c1 /proc/1/mem 2>/dev/null && echo BAD mem; cat /proc/1/environ 2>/dev/null && echo BAD init-env; " +
                "ls /proc/1/fd 2>/dev/null && echo BAD init-fds; ls /proc/1/root/ 2>/dev/null && echo BAD init-root; true";
            var (exit, stdout) = await fx.RunToEndAsync(fx.Request("t-reach-b", attack, uid: UidBase + 4));
            Assert.Equal(new TaskExit(0, null), exit);
            Assert.DoesNotContain("BAD", stdout);
            Assert.Equal("1\n", stdout); // its own init is the lowest pid it sees
        }
        finally
        {
            File.WriteAllText(Path.Combine(a.SandboxDir, "done"), "");
        }

        Assert.Equal(new TaskExit(0, null), await taskA.Exited.WaitAsync(LauncherFixture.TaskTimeout));
        Assert.Equal("alive\n", LauncherFixture.Stdout(a));
    }

    [Fact]
    public async Task AbstractUnixSocketsOfTheHostAreOutOfReach()
    {
        var name = "minimesos-test-" + Guid.NewGuid().ToString("N");
        using var server = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        server.Bind(new UnixDomainSocketEndPoint("\0" + name));
        server.Listen(8);
        var connect = $"perl -MSocket -e 'socket(S, PF_UNIX, SOCK_STREAM, 0) or die; connect(S, pack_sockaddr_un(\"\\0{name}\")) and print \"BAD connected\\n\"'";

        // Control: outside a task, an unprivileged process reaches the socket, so the refusal below means something.
        using (var control = Process.Start(new ProcessStartInfo("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sh", "-c", connect])
               { RedirectStandardOutput = true })!)
        {
            Assert.Equal("BAD connected", (await control.StandardOutput.ReadToEndAsync()).Trim());
            await control.WaitForExitAsync();
        }

        var r = fx.Request("t-reach-abstract", connect + "; perl -MSocket -e 'socket(S, PF_UNIX, SOCK_STREAM, 0) or die; " +
            "bind(S, pack_sockaddr_un(\"\\0own-" + name + "\")) or die; listen(S, 1); socket(C, PF_UNIX, SOCK_STREAM, 0); " +
            "connect(C, pack_sockaddr_un(\"\\0own-" + name + "\")) and print \"own ok\\n\"'", uid: UidBase + 5);
        var (exit, stdout) = await fx.RunToEndAsync(r);
        Assert.True(exit == new TaskExit(0, null), $"{exit}: {stdout}{LauncherFixture.Stderr(r)}");
        Assert.Contains("own ok", stdout); // its own abstract sockets work
        if (Landlock.Abi() >= Landlock.ScopesAbi)
        {
            Assert.DoesNotContain("BAD", stdout);
        }
        else
        {
            // Before Linux 6.12 there is no way to scope them short of a network namespace (docs/isolation.md).
            Assert.Contains("BAD connected", stdout);
        }
    }

    [Fact]
    public async Task NothingOfTheWorkDirOutsideItsSandboxIsWritable()
    {
        var r = fx.Request("t-reach-workdir", "", uid: UidBase + 6);
        var work = LauncherFixture.SandboxParent;
        var meta = Path.GetDirectoryName(r.ResolvedMetaDir)!;
        var script = $"echo x > '{work}/planted' && echo BAD work-file; mkdir '{work}/d' && echo BAD work-dir; " +
            $"ln -s / '{work}/l' && echo BAD work-link; echo x > '{meta}/planted' && echo BAD meta-parent; " +
            $"mv '{r.SandboxDir}' '{work}/moved' && echo BAD move; echo own > own && cat own";
        var (exit, stdout) = await fx.RunToEndAsync(r with { Argv = ["/bin/sh", "-c", script] });
        Assert.Equal(new TaskExit(0, null), exit);
        Assert.Equal("own\n", stdout);
        Assert.False(File.Exists(Path.Combine(work, "planted")));
        Assert.False(Directory.Exists(Path.Combine(work, "d")));
        Assert.False(Directory.Exists(Path.Combine(work, "moved")));
    }
}
