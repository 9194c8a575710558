using System.Diagnostics;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using MiniMesos.Tests.Isolation;
using Xunit;

namespace MiniMesos.Tests.Security;

/// <summary>
/// A hostile task on a real launcher (real init, namespaces, per-task users), as root on this host: every attack of
/// the threat model fails, and what a task may do still works. Tasks print "BAD ..." when an attack step succeeds.
/// </summary>
[Trait("Category", "Slow")]
[Collection(HostileTaskCollection.Name)]
public sealed class TaskAttackTests(LauncherFixture fx)
{
    /// <summary>Per-task uids from the default range's top end, distinct per test.</summary>
    private const uint UidBase = 1879113000;

    [Fact]
    public async Task SymlinksAtEveryNameTheAgentKeepsAreNeverFollowed()
    {
        using var scene = new AttackScene();
        var names = new[] { "stdout", "stderr", "exit_status", ".reported", "uid", "health-checks", "health", "meta" };
        var r = fx.Request("t-atk-links", $"{scene.PlantLinks(names)}; echo own output; echo own error >&2; exit 3", uid: UidBase + 1);
        var (exit, stdout) = await fx.RunToEndAsync(r);
        Assert.Equal(new TaskExit(3, null), exit);
        Assert.Equal("own output\n", stdout);
        Assert.Equal("own error\n", LauncherFixture.Stderr(r));
        Assert.Equal("exit 3\n", File.ReadAllText(Path.Combine(r.ResolvedMetaDir, ExitStatusFile.FileName)));
        Assert.Equal(ExitStatusFile.Parse("exit 3"), ExitStatusFile.Parse(TaskFiles.ReadOwn(r.ResolvedMetaDir, ExitStatusFile.FileName)!));
        // The agent's readers refuse anything but the files it made: through a link, nothing is read at all.
        Assert.Null(TaskFiles.ReadOwn(r.SandboxDir, "stdout"));
        Assert.Null(TaskFiles.ReadOwn(r.SandboxDir, "keep-link/precious"));
        Assert.True(SandboxLogs.Trim(Path.Combine(r.SandboxDir, "stdout"), 1) is false);
        scene.AssertUntouched();
    }

    [Fact]
    public async Task ATaskCannotListWriteOrReplaceWhatTheAgentKeepsOfIt()
    {
        var r = fx.Request("t-atk-meta", "", uid: UidBase + 2);
        var m = r.ResolvedMetaDir;
        var script = $"ls '{m}' && echo BAD list; echo 'exit 0' > '{m}/exit_status' && echo BAD write; rm -f '{m}/stdout' && echo BAD remove; " +
            $"ln -s /etc/shadow '{m}/stderr2' && echo BAD link; ln '{m}/exit_status' own-copy && echo BAD hardlink; " +
            // Its own output is its own: reopening it through /proc works, replacing the file does not.
            "echo reopened > /dev/stderr; exit 7";
        var (exit, stdout) = await fx.RunToEndAsync(r with { Argv = ["/bin/sh", "-c", script] });
        Assert.Equal(new TaskExit(7, null), exit);
        Assert.DoesNotContain("BAD", stdout);
        Assert.Contains("reopened", LauncherFixture.Stderr(r));
        Assert.Equal(0u, TaskFiles.Stat(m)!.Value.Uid);
        Assert.Equal(0b111_000_000u, TaskFiles.Stat(m)!.Value.Mode & 0xFFF);
    }

    [Fact]
    public async Task TasksCannotReadWriteOrPlantLinksInEachOthersFilesOrTemps()
    {
        var name = "secret-" + Guid.NewGuid().ToString("N");
        var a = fx.Request("t-atk-a", $"echo a > own; echo a > /tmp/{name}; echo a > /var/tmp/{name}; echo a > /dev/shm/{name}; touch ready; " +
            "i=0; while [ ! -e done ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done", uid: UidBase + 3);
        var taskA = await fx.Launcher.LaunchAsync(a, default);
        try
        {
            await Eventually.TrueAsync(() => File.Exists(Path.Combine(a.SandboxDir, "ready")), "the task has written its ready file");
            var s = a.SandboxDir;
            var attack = $"cat '{s}/own' && echo BAD read; ls '{s}' && echo BAD list; echo b > '{s}/planted' && echo BAD write; " +
                $"ln -s /etc '{s}/link' && echo BAD link; cat /tmp/{name} && echo BAD tmp; cat /var/tmp/{name} && echo BAD vartmp; " +
                $"cat /dev/shm/{name} && echo BAD shm; ls /tmp | grep -c . ; echo mine > /tmp/own && cat /tmp/own";
            var (exit, stdout) = await fx.RunToEndAsync(fx.Request("t-atk-b", attack, uid: UidBase + 4));
            Assert.Equal(new TaskExit(0, null), exit);
            Assert.DoesNotContain("BAD", stdout);
            Assert.EndsWith("0\nmine\n", stdout); // an empty /tmp of its own, which works
        }
        finally
        {
            File.WriteAllText(Path.Combine(a.SandboxDir, "done"), "");
        }

        Assert.Equal(new TaskExit(0, null), await taskA.Exited.WaitAsync(LauncherFixture.TaskTimeout));
        // A's temp files were its own: in its sandbox (counted against its disk), never on the host.
        Assert.Equal("a\n", File.ReadAllText(Path.Combine(a.SandboxDir, PrivateTmp.DirName, name)));
        Assert.False(File.Exists(Path.Combine("/tmp", name)));
        Assert.False(File.Exists(Path.Combine("/var/tmp", name)));
        Assert.False(File.Exists(Path.Combine("/dev/shm", name)));
        Assert.Equal(UidBase + 3, TaskFiles.Stat(a.SandboxDir)!.Value.Uid);
        Assert.Equal(0b111_000_000u, TaskFiles.Stat(a.SandboxDir)!.Value.Mode & 0xFFF);
    }

    [Fact]
    public async Task SetuidProgramsAndCapabilitiesGrantNothing()
    {
        // A setuid-root copy of id on the root file system (not /run, which is often nosuid).
        var dir = Path.Combine("/var/lib", "minimesos-test-suid-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
            var id = Path.Combine(dir, "id");
            File.Copy(File.Exists("/usr/bin/id") ? "/usr/bin/id" : "/bin/id", id);
            File.SetUnixFileMode(id, (UnixFileMode)0b100_111_101_101); // 04755
            // Control: outside a task the same file does make an unprivileged user root, so the check below means something.
            using (var control = Process.Start(new ProcessStartInfo("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", id, "-u"])
                   { RedirectStandardOutput = true })!)
            {
                Assert.Equal("0", (await control.StandardOutput.ReadToEndAsync()).Trim());
                await control.WaitForExitAsync();
            }

            var r = fx.Request("t-atk-suid", $"{id} -u; grep -E '^(NoNewPrivs|CapBnd|CapEff|CapPrm|CapAmb):' /proc/self/status", uid: UidBase + 5);
            var (exit, stdout) = await fx.RunToEndAsync(r);
            Assert.Equal(new TaskExit(0, null), exit);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal((UidBase + 5).ToString(), lines[0]);
            Assert.Contains("NoNewPrivs:\t1", lines);
            Assert.Contains("CapBnd:\t0000000000000000", lines);
            Assert.Contains("CapEff:\t0000000000000000", lines);
            Assert.Contains("CapAmb:\t0000000000000000", lines);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task ARootTaskKeepsOnlyTheCapabilitiesItIsAllowed()
    {
        var r = fx.Request("t-atk-rootcaps", "grep -E '^(CapBnd|NoNewPrivs):' /proc/self/status; mount -t tmpfs x /mnt 2>/dev/null && echo BAD mount; true", user: "root");
        var (exit, stdout) = await fx.RunToEndAsync(r);
        Assert.Equal(new TaskExit(0, null), exit);
        ulong allowed = 0;
        foreach (var cap in TaskCapabilities.Parse(TaskCapabilities.Default).Numbers) allowed |= 1UL << cap;
        Assert.Contains($"CapBnd:\t{allowed:x16}", stdout);
        Assert.Contains("NoNewPrivs:\t1", stdout);
        Assert.DoesNotContain("BAD", stdout); // no sys_admin
    }

    [Fact]
    public async Task TheAgentsProcessEnvironmentAndTheMastersDataAreOutOfReach()
    {
        var data = Path.Combine("/var/lib", "minimesos-test-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        try
        {
            // A data dir as an older version left it: world-readable; the master fixes it on start.
            File.SetUnixFileMode(data, (UnixFileMode)0b111_101_101);
            File.WriteAllText(Path.Combine(data, "raft.db"), "env SECRET=1\n");
            File.SetUnixFileMode(Path.Combine(data, "raft.db"), (UnixFileMode)0b110_100_100);
            MiniMesos.Net.Hosts.PrivateFiles.Secure(data, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(data));
            Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(Path.Combine(data, "raft.db")));
            var me = Environment.ProcessId;
            var script = $"cat /proc/{me}/environ && echo BAD agent-env; cat /proc/1/environ && echo BAD init-env; cat '{data}/raft.db' && echo BAD data; " +
                $"ls '{data}' && echo BAD data-list; ls '{LauncherFixture.SandboxParent}' && echo BAD sandboxes-list; true";
            var (exit, stdout) = await fx.RunToEndAsync(fx.Request("t-atk-proc", script, uid: UidBase + 6));
            Assert.Equal(new TaskExit(0, null), exit);
            Assert.DoesNotContain("BAD", stdout);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task TheCommandHasEveryIdOfItsUserAndInitsRootThreadsAreOutOfItsReach()
    {
        // Init drops to the task user on its spawning thread only; its runtime threads (finalizer, signal handler) stay
        // root. The command must hold the user in every slot (real, effective, saved, fs; groups), and none of init's
        // threads may be signalled or read by it.
        var script = "grep -E '^(Uid|Gid|Groups):' /proc/self/status; echo threads $(ls /proc/1/task | wc -l); " +
            "for t in /proc/1/task/*; do id=${t##*/}; cat $t/environ >/dev/null 2>&1 && echo BAD environ $id; " +
            "ls $t/fd >/dev/null 2>&1 && echo BAD fd $id; [ $id != 1 ] && kill -0 $id 2>/dev/null && echo BAD signal $id; done; true";
        var uid = UidBase + 9;
        var (exit, stdout) = await fx.RunToEndAsync(fx.Request("t-atk-ids", script, uid: uid));
        Assert.Equal(new TaskExit(0, null), exit);
        Assert.DoesNotContain("BAD", stdout);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        Assert.Contains($"Uid:\t{uid}\t{uid}\t{uid}\t{uid}", lines);
        Assert.Contains($"Gid:\t{uid}\t{uid}\t{uid}\t{uid}", lines);
        Assert.Contains($"Groups:\t{uid}", lines);
        var threads = int.Parse(lines.Single(l => l.StartsWith("threads ", StringComparison.Ordinal))[8..]);
        Assert.True(threads >= 2, $"init has {threads} thread(s): the root-thread checks above tested nothing");
    }

    [Fact]
    public async Task AUidWithoutAPasswdEntryRunsAShellWithItsSandboxAsHome()
    {
        var r = fx.Request("t-atk-home", "echo \"$HOME\"; id -u; echo x > f && cat f; mkdir d && echo y > d/g && cat d/g; df -P /dev/shm | tail -1 | awk '{print $2}'",
            limits: new TaskLimits(0, 64L << 20), uid: UidBase + 7);
        var (exit, stdout) = await fx.RunToEndAsync(r);
        Assert.True(exit == new TaskExit(0, null), $"{exit}: {stdout}{LauncherFixture.Stderr(r)}");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([r.SandboxDir, (UidBase + 7).ToString(), "x", "y", (64 * 1024).ToString()], lines);
    }

    [Fact]
    public async Task ASandboxBelowTmpStaysReachableInsideThePrivateTmpThroughAPathTheTaskCannotChange()
    {
        // As `minimesos dev` lays out its throw-away data dir: the sandbox three levels below /tmp.
        var first = "mm-reach-" + Guid.NewGuid().ToString("N")[..12];
        var parent = Path.Combine("/tmp", first, "agent", "sandboxes");
        var sandbox = Path.Combine(parent, "t-atk-reach");
        Directory.CreateDirectory(sandbox);
        try
        {
            var script = $"echo in > '{sandbox}/reach' && echo reach-ok; cd '{sandbox}' && echo cd-ok; " +
                $"mkdir /tmp/{first}/x 2>/dev/null && echo BAD chain; mkdir '{parent}/x' 2>/dev/null && echo BAD parent; " +
                "echo t > /tmp/f && cat /tmp/f; ls /tmp";
            var r = fx.Request("t-atk-reach", script, uid: UidBase + 10) with { SandboxDir = sandbox };
            var (exit, stdout) = await fx.RunToEndAsync(r);
            Assert.True(exit == new TaskExit(0, null), $"{exit}: {stdout}{LauncherFixture.Stderr(r)}");
            Assert.Equal($"reach-ok\ncd-ok\nt\nf\n{first}\n", stdout);
            // What the task wrote by the absolute path is in its sandbox; its temp file in its own temp dir, where the
            // path's first directory is the one directory made on disk for it (the rest was a tmpfs of the task's view).
            Assert.Equal("in\n", File.ReadAllText(Path.Combine(sandbox, "reach")));
            Assert.Equal("t\n", File.ReadAllText(Path.Combine(sandbox, PrivateTmp.DirName, "f")));
            Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(sandbox, PrivateTmp.DirName, first)));
        }
        finally
        {
            Directory.Delete(Path.Combine("/tmp", first), recursive: true); // the sandbox and its meta dir with it
        }
    }

    [Fact]
    public async Task InItsOwnRootfsATaskStillHasPrivateTempsAndNoPrivileges()
    {
        var rootfs = RootfsLauncherTests.BuildBusyboxRootfs();
        try
        {
            var script = "echo t > /tmp/f && cat /tmp/f; grep -E '^(NoNewPrivs|CapBnd):' /proc/self/status; id -u";
            var r = fx.Request("t-atk-rootfs", script, uid: UidBase + 8) with { Rootfs = rootfs };
            var (exit, stdout) = await fx.RunToEndAsync(r);
            Assert.True(exit == new TaskExit(0, null), $"{exit}: {stdout}{LauncherFixture.Stderr(r)}");
            Assert.Equal($"t\nCapBnd:\t0000000000000000\nNoNewPrivs:\t1\n{UidBase + 8}\n", stdout);
            Assert.Equal("t\n", File.ReadAllText(Path.Combine(r.SandboxDir, PrivateTmp.DirName, "f")));
        }
        finally
        {
            Directory.Delete(rootfs, recursive: true);
        }
    }
}
