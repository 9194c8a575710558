using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using Xunit;

namespace MiniMesos.Tests.Isolation;

[Trait("Category", "Slow")]
public sealed class IsolatedLauncherTests(LauncherFixture fx) : IClassFixture<LauncherFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static async Task<TaskExit> Finish(ILaunchedTask t) => await t.Exited.WaitAsync(Timeout);

    private static string Out(LaunchRequest r) => File.ReadAllText(Path.Combine(r.ResolvedMetaDir, "stdout"));

    [Fact]
    public async Task TaskSeesOnlyItsOwnProcessesAndItsHostnameIsItsId()
    {
        var r = fx.Request("t-ns-1", "echo host=$(hostname); echo pid=$$; set -- /proc/[0-9]*; echo $#; tr '\\0' ' ' < /proc/1/cmdline; echo; id -un");
        var t = await fx.Launcher.LaunchAsync(r, default);
        var exit = await Finish(t);
        var lines = Out(r).Split('\n');
        Assert.Equal(new TaskExit(0, null), exit);
        Assert.Equal("host=t-ns-1", lines[0]);
        Assert.InRange(int.Parse(lines[1]["pid=".Length..]), 2, 64); // pid numbers restart in the task; init's threads take a few
        Assert.Equal("2", lines[2]); // init and sh (the glob is the shell's own, no child): nothing of the host
        Assert.Contains(TaskInit.Verb, lines[3]);
        Assert.Equal("nobody", lines[4]);
    }

    [Theory]
    [InlineData("exit 0", 0, null)]
    [InlineData("exit 3", 3, null)]
    [InlineData("kill -9 $$", null, 9)]
    [InlineData("kill -TERM $$", null, 15)]
    public async Task ExitCodesAndSignalsAreReportedAndRecordedInTheSandbox(string script, int? code, int? signal)
    {
        var r = fx.Request("t-exit-" + Guid.NewGuid().ToString("N")[..8], script);
        var exit = await Finish(await fx.Launcher.LaunchAsync(r, default));
        Assert.Equal(new TaskExit(code, signal), exit);
        Assert.Equal(exit, ExitStatusFile.Parse(File.ReadAllText(Path.Combine(r.ResolvedMetaDir, ExitStatusFile.FileName))));
    }

    [Fact]
    public async Task TheEndIsKnownFromInitsRecordWhileInitIsStillGoingAway()
    {
        // A process put into the task's PID namespace from outside (nsenter forks it there) and left unreaped by its stopped
        // parent holds init's exit: the kernel's PID 1 of a namespace is not gone before every process of it is. So Exited
        // cannot complete until the test lets go, and Ended must come from init's recorded end and its last line.
        var r = fx.Request("t-end-" + Guid.NewGuid().ToString("N")[..8], "while [ ! -e go ]; do sleep 0.01; done; exit 3");
        var t = await fx.Launcher.LaunchAsync(r, default);
        using var holder = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("nsenter",
            ["--target", t.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--pid", "--", "sleep", "600"]))!;
        try
        {
            await Eventually.TrueAsync(() => Children(holder.Id).Length == 1, "nsenter has forked its sleep into the task's namespace");
            const int sigstop = 19;
            Assert.Equal(0, MiniMesos.Isolation.Libc.Signal.kill(holder.Id, sigstop));
            File.WriteAllText(Path.Combine(r.SandboxDir, "go"), "");
            Assert.Equal(new TaskExit(3, null), await t.Ended.WaitAsync(Timeout));
            Assert.False(t.Exited.IsCompleted, "init cannot be gone while a process of its namespace is unreaped");
            Assert.True(Directory.Exists($"/proc/{t.Pid}"), "init is still there");
        }
        finally
        {
            holder.Kill();
            await holder.WaitForExitAsync();
        }

        Assert.Equal(new TaskExit(3, null), await Finish(t));
    }

    private static string[] Children(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return [];
        }
    }

    [Fact]
    public async Task EnvironmentReachesTheCommandAndNothingOfTheAgentLeaks()
    {
        var r = fx.Request("t-env", "echo \"$GREETING|$DOTNET_ROOT|$PWD\"") with
        {
            // A task's runtime knobs must not reach init's own .NET runtime (this one would stop it starting).
            Environment = new Dictionary<string, string> { ["GREETING"] = "hi there", ["DOTNET_GCHeapHardLimit"] = "0x1000" },
        };
        Assert.Equal(new TaskExit(0, null), await Finish(await fx.Launcher.LaunchAsync(r, default)));
        Assert.Equal($"hi there||{r.SandboxDir}\n", Out(r));
    }

    [Fact]
    public async Task TaskInItsCgroupAndTheCgroupIsRemovedAfterExit()
    {
        var r = fx.Request("t-cg", "sleep 30 & sleep 30 & touch ready; wait");
        var t = (IsolatedTask)await fx.Launcher.LaunchAsync(r, default);
        try
        {
            Assert.NotNull(t.CgroupDir);
            await WaitForFile(Path.Combine(r.SandboxDir, "ready"));
            var procs = ReadPids(t.CgroupDir!);
            Assert.Contains(t.Pid, procs);
            Assert.True(procs.Count >= 4, $"init, sh and two sleeps expected in cgroup.procs, got {procs.Count}");
            Assert.Contains("populated 1", File.ReadAllText(Path.Combine(t.CgroupDir!, "cgroup.events")));
        }
        finally
        {
            await t.KillAsync(TimeSpan.FromSeconds(5), default);
        }

        await Finish(t);
        Assert.False(Directory.Exists(t.CgroupDir), "the task cgroup must be removed once the task has ended");
    }

    [Fact]
    public async Task KillLeavesNoGrandchildBehind()
    {
        // The shell ignores SIGTERM, so only the hard kill after the grace period can end it.
        var r = fx.Request("t-kill", "trap '' TERM; (sleep 300 & sleep 300 & wait) & sleep 300 & touch ready; wait; wait");
        var t = (IsolatedTask)await fx.Launcher.LaunchAsync(r, default);
        List<int> pids;
        try
        {
            await WaitForFile(Path.Combine(r.SandboxDir, "ready"));
            await Eventually.TrueAsync(() => ReadPids(t.CgroupDir!).Count(IsSleep) == 3, "the three sleeps have started");
            pids = ReadPids(t.CgroupDir!);
            Assert.True(pids.Count >= 5, $"expected init, sh, subshell and 3 sleeps, got {pids.Count}");
        }
        finally
        {
            await t.KillAsync(TimeSpan.FromMilliseconds(300), default);
        }

        var exit = await Finish(t);
        Assert.Equal(9, exit.Signal);
        foreach (var pid in pids)
        {
            Assert.False(Directory.Exists($"/proc/{pid}") && !IsZombie(pid), $"pid {pid} survived the kill");
        }
    }

    [Fact]
    public async Task GracefulKillLetsTheCommandEndOnSigterm()
    {
        var r = fx.Request("t-term", "sleep 300 & touch ready; wait");
        var t = await fx.Launcher.LaunchAsync(r, default);
        await WaitForFile(Path.Combine(r.SandboxDir, "ready"));
        await t.KillAsync(TimeSpan.FromSeconds(20), default);
        Assert.Equal(new TaskExit(null, 15), await Finish(t));
    }

    [Fact]
    public async Task NoNetworkTaskSeesOnlyLoopback()
    {
        var r = fx.Request("t-net", "cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '; cat /sys/class/net/lo/operstate /sys/class/net/lo/flags", net: TaskNetwork.None);
        Assert.Equal(new TaskExit(0, null), await Finish(await fx.Launcher.LaunchAsync(r, default)));
        var lines = Out(r).Split('\n');
        Assert.Equal("lo", lines[0]);
        Assert.Equal(1, Convert.ToInt32(lines[2], 16) & 1); // IFF_UP: localhost works without a network
    }

    [Fact]
    public async Task LongTaskIdsAreCutToAValidHostname()
    {
        var id = "t-" + new string('x', 100);
        var r = fx.Request(id, "hostname");
        Assert.Equal(new TaskExit(0, null), await Finish(await fx.Launcher.LaunchAsync(r, default)));
        Assert.Equal(id[..63] + "\n", Out(r));
    }

    [Fact]
    public void LogsOverTheCapKeepTheirNewestHalf()
    {
        var dir = fx.NewSandbox();
        var path = Path.Combine(dir, "stdout");
        File.WriteAllText(path, string.Concat(Enumerable.Range(1, 100_000).Select(i => $"{i}\n")));
        var before = new FileInfo(path).Length;
        Assert.True(SandboxLogs.Trim(path, 100_000));
        var text = File.ReadAllText(path);
        Assert.StartsWith("[minimesos: older output dropped", text);
        Assert.EndsWith("\n99999\n100000\n", text);
        Assert.Equal(SandboxLogs.Marker.Length + 50_000, new FileInfo(path).Length);
        Assert.False(SandboxLogs.Trim(path, 100_000));
        Assert.True(before > 100_000);
    }

    [Fact]
    public async Task ATaskWritingMoreThanTheCapLeavesACappedLog()
    {
        using var capped = new LauncherFixture(logCapBytes: 64 << 10);
        var r = capped.Request("t-logcap", "seq 1 200000; echo last line");
        Assert.Equal(new TaskExit(0, null), await Finish(await capped.Launcher.LaunchAsync(r, default)));
        var info = new FileInfo(Path.Combine(r.ResolvedMetaDir, "stdout"));
        Assert.InRange(info.Length, 1, (64 << 10) + SandboxLogs.Marker.Length);
        Assert.EndsWith("200000\nlast line\n", Out(r));
    }

    [Fact]
    public async Task ARunningTasksLogIsCappedWhileItRuns()
    {
        // LogCapWatch's one timer, not the check when the task ends: the task writes past the cap, then keeps running.
        using var capped = new LauncherFixture(logCapBytes: 64 << 10);
        var r = capped.Request("t-logcap-running", "seq 1 100000; echo written; sleep 60");
        var t = await capped.Launcher.LaunchAsync(r, default);
        try
        {
            var path = Path.Combine(r.ResolvedMetaDir, "stdout");
            await Eventually.TrueAsync(() => File.Exists(path) && File.ReadAllText(path).EndsWith("written\n", StringComparison.Ordinal) &&
                new FileInfo(path).Length <= (64 << 10) + SandboxLogs.Marker.Length, "the running task's stdout is trimmed to its cap");
            Assert.False(t.Exited.IsCompleted, "the task ended before its log was checked");
            Assert.StartsWith(System.Text.Encoding.ASCII.GetString(SandboxLogs.Marker), File.ReadAllText(path));
        }
        finally
        {
            await t.KillAsync(TimeSpan.FromSeconds(5), default);
        }
    }

    [Fact]
    public async Task ProcMountDoesNotLeakToTheHost()
    {
        var before = File.ReadAllLines("/proc/self/mountinfo").Length;
        var r = fx.Request("t-mnt", "true");
        await Finish(await fx.Launcher.LaunchAsync(r, default));
        Assert.Equal(before, File.ReadAllLines("/proc/self/mountinfo").Length);
    }

    [Fact]
    public async Task UnknownUserAndMissingCommandFailTheLaunchWithAReason()
    {
        var e1 = await Assert.ThrowsAsync<TaskLaunchException>(() => fx.Launcher.LaunchAsync(fx.Request("t-user", "true", user: "no-such-user-xyz"), default));
        Assert.Contains("unknown user 'no-such-user-xyz'", e1.Message);
        var r = fx.Request("t-cmd", "") with { Argv = ["no-such-command-xyz"] };
        var e2 = await Assert.ThrowsAsync<TaskLaunchException>(() => fx.Launcher.LaunchAsync(r, default));
        Assert.Contains("command not found: no-such-command-xyz", e2.Message);
        Assert.False(Directory.Exists(Path.Combine(fx.Launcher.CgroupGroupDir!, "t-cmd")), "a failed launch must not leave its cgroup");
    }

    [Fact]
    public async Task ARestartedAgentFindsARunningTaskAndLearnsHowItEnded()
    {
        var r = fx.Request("t-reattach", "trap 'exit 42' TERM; touch ready; while :; do sleep 1; done");
        var original = await fx.Launcher.LaunchAsync(r, default);
        try
        {
            await WaitForFile(Path.Combine(r.SandboxDir, "ready"));
            var restarted = new IsolatedTaskLauncher(new LaunchOptions(CgroupGroup: fx.Group));
            var found = restarted.Reattach("t-reattach", r.SandboxDir);
            Assert.NotNull(found);
            Assert.Equal(original.Pid, found!.Pid);
            Assert.False(found.Exited.IsCompleted);
            await found.KillAsync(TimeSpan.FromSeconds(20), default);
            Assert.Equal(new TaskExit(42, null), await found.Exited.WaitAsync(Timeout));

            var ended = restarted.Reattach("t-reattach", r.SandboxDir);
            Assert.Equal(new TaskExit(42, null), await ended!.Exited.WaitAsync(Timeout));
            Assert.Null(restarted.Reattach("t-never-ran", fx.NewSandbox()));
        }
        finally
        {
            await original.KillAsync(TimeSpan.Zero, default);
        }
    }

    [Fact]
    public void CapabilitiesSayWhatIsMissingAndHowToFixIt()
    {
        var caps = fx.Launcher.Capabilities;
        Assert.True(caps.Namespaces);
        var offered = File.ReadAllText(Path.Combine(Path.GetDirectoryName(fx.Launcher.CgroupGroupDir!)!, "cgroup.controllers"));
        foreach (var c in new[] { "cpu", "memory", "pids" })
        {
            // Whatever this kernel offers, each wanted controller is either enabled or explained.
            Assert.True(caps.CgroupControllers.Contains(c) ^ caps.Missing.Any(m => m.StartsWith(c + ":")), $"{c}: offered='{offered.Trim()}'");
        }

        if (!caps.CgroupControllers.Contains("memory"))
        {
            Assert.Contains(caps.Missing, m => m.Contains("cgroup_enable=memory cgroup_memory=1"));
        }
    }

    [Fact]
    public async Task WhenTheCommandExitsItsBackgroundChildrenGoWithIt()
    {
        var r = fx.Request("t-orphans", "sleep 300 & sleep 300 & echo $! > /dev/null; exit 0");
        var t = (IsolatedTask)await fx.Launcher.LaunchAsync(r, default);
        var dir = t.CgroupDir!;
        Assert.Equal(new TaskExit(0, null), await Finish(t));
        Assert.False(Directory.Exists(dir), "exited only once the cgroup emptied and was removed");
        await t.KillAsync(TimeSpan.Zero, default); // killing an ended task is a no-op
    }

    [Fact]
    public async Task ParallelLaunchesEachGetTheirOwnNamespaces()
    {
        // Every task stays alive until all have started: a namespace's inode number is reused once it is freed, so tasks
        // that ran one after the other on a busy machine could show the same number without ever sharing a namespace.
        var barrier = Path.Combine(LauncherFixture.SandboxParent, $"mm-par-{Guid.NewGuid():N}"); // not /tmp: each task has its own
        var wait = $"i=0; while [ ! -e {barrier} ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done";
        var requests = Enumerable.Range(0, 8).Select(i => fx.Request($"t-par-{i}", $"hostname; readlink /proc/self/ns/pid; {wait}")).ToList();
        TaskExit[] exits;
        try
        {
            var tasks = await Task.WhenAll(requests.Select(r => fx.Launcher.LaunchAsync(r, default)));
            await File.WriteAllTextAsync(barrier, "");
            exits = await Task.WhenAll(tasks.Select(Finish));
        }
        finally
        {
            File.Delete(barrier);
        }
        Assert.All(exits, e => Assert.Equal(new TaskExit(0, null), e));
        var outs = requests.Select(r => Out(r).Split('\n')).ToList();
        Assert.Equal(requests.Select(r => r.TaskId), outs.Select(o => o[0]));
        Assert.Equal(8, outs.Select(o => o[1]).Distinct().Count());
        Assert.DoesNotContain(new FileInfo("/proc/self/ns/pid").LinkTarget, outs.Select(o => o[1])); // none shares ours
    }

    private static List<int> ReadPids(string cgroupDir) =>
        File.ReadAllText(Path.Combine(cgroupDir, "cgroup.procs")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();

    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('Z');
        }
        catch (IOException)
        {
            return true; // gone while we looked
        }
    }

    private static Task WaitForFile(string path) => Eventually.TrueAsync(() => File.Exists(path), $"{path} exists");

    private static bool IsSleep(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim() == "sleep";
        }
        catch (IOException)
        {
            return false; // gone while we looked
        }
    }
}
