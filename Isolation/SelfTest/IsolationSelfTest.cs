using System.Diagnostics;
using System.Globalization;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation.Cgroups;

namespace MiniMesos.Isolation.SelfTest;

/// <summary>
/// `minimesos __isolation-selftest HOG [WORK] [IMAGE]`: drives <see cref="IsolatedTaskLauncher"/> on a kernel with
/// cgroup v2 controllers (the QEMU VM of tests/vm) and prints one "CHECK name PASS|FAIL detail" line per check and a
/// final "RESULT pass=N fail=M". Exit 0 only if every check passed. IMAGE (a reference, e.g. oci-archive:FILE) is an
/// image holding /etc/motd, sh and the hog: it is provisioned into a layer store and run with a memory limit.
/// </summary>
internal static class IsolationSelfTest
{
    public const string Verb = "__isolation-selftest";

    /// <summary>cpus=0.2 must give 20% of a core; accepted band for a 3 s window (quota granularity, emulated timers).</summary>
    public const double CpuLow = 0.12, CpuHigh = 0.28;

    private static int s_pass, s_fail;

    public static int Run(string[] args)
    {
        var hog = args.Length > 1 ? args[1] : "/bin/hog";
        var work = args.Length > 2 ? args[2] : "/tmp/selftest";
        var image = args.Length > 3 ? args[3] : null;
        var launcher = new IsolatedTaskLauncher(new LaunchOptions(FavorDynMods: true));
        Check("controllers", launcher.Capabilities.CgroupControllers.Count == 3,
            $"enabled=[{string.Join(',', launcher.Capabilities.CgroupControllers)}] missing={launcher.Capabilities.Missing.Count}");
        // The agent turns on cgroup2's favordynmods, so moving a process into a cgroup after a quiet spell does not
        // wait for an RCU grace period (the figure is printed; a VM's timing is not a pass condition).
        Check("favordynmods", Cgroup2Remount.Plan(File.ReadAllText("/proc/self/mountinfo")) is null,
            $"{launcher.CgroupRemounted ?? "already on"}; {MigrationAfterIdleMs(launcher.CgroupGroupDir)}");
        var sw = Stopwatch.StartNew();
        var checks = new (string Name, Func<IsolatedTaskLauncher, string, Task> Run)[]
        {
            ("identity", (l, w) => Identity(l, w)),
            ("oom", (l, w) => OomKill(l, w, hog)),
            ("pids", PidsLimit),
            ("cpu", CpuQuota),
            ("kill", KillAll),
            ("warm", WarmInCgroup),
        };
        if (image is not null) checks = [.. checks, ("image", (l, w) => ImageTask(l, w, image))];
        foreach (var (name, run) in checks)
        {
            try
            {
                run(launcher, Path.Combine(work, name)).GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                Check(name, false, "threw " + e.GetType().Name + ": " + e.Message);
            }
        }

        launcher.Dispose();
        Console.WriteLine($"RESULT pass={s_pass} fail={s_fail} seconds={sw.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)}");
        return s_fail == 0 && s_pass > 0 ? 0 : 1;
    }

    /// <summary>Median time of writing a pid to cgroup.procs after 50 ms without any migration, five times.</summary>
    private static string MigrationAfterIdleMs(string? groupDir)
    {
        if (groupDir is null) return "no cgroup";
        var a = Directory.CreateDirectory(Path.Combine(groupDir, "migrate-a")).FullName;
        var b = Directory.CreateDirectory(Path.Combine(groupDir, "migrate-b")).FullName;
        using var sleeper = Process.Start("sleep", "30")!;
        var times = new List<double>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                Thread.Sleep(50);
                var sw = Stopwatch.StartNew();
                File.WriteAllText(Path.Combine(i % 2 == 0 ? a : b, "cgroup.procs"), sleeper.Id.ToString(CultureInfo.InvariantCulture));
                times.Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        finally
        {
            sleeper.Kill();
            sleeper.WaitForExit();
        }

        for (var i = 0; i < 100 && (!TryRemove(a) || !TryRemove(b)); i++) Thread.Sleep(10);
        times.Sort();
        return $"a move into a cgroup after 50 ms idle: median {times[2].ToString("F2", CultureInfo.InvariantCulture)} ms";
    }

    private static bool TryRemove(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Check(string name, bool ok, string detail)
    {
        if (ok) s_pass++; else s_fail++;
        Console.WriteLine($"CHECK {name} {(ok ? "PASS" : "FAIL")} {detail}");
    }

    private static LaunchRequest Sh(string id, string sandbox, string script, TaskLimits limits) =>
        new(id, ["/bin/sh", "-c", script], new Dictionary<string, string>(), sandbox, limits);

    private static async Task<TaskExit> Finish(ILaunchedTask t, int seconds = 60) =>
        await t.Exited.WaitAsync(TimeSpan.FromSeconds(seconds));

    private static async Task Identity(IsolatedTaskLauncher l, string sandbox)
    {
        var t = await l.LaunchAsync(Sh("ident", sandbox, "echo $(hostname) $(cat /proc/1/comm) $(id -un); exit 7", new TaskLimits(0, 0)), default);
        var exit = await Finish(t);
        var output = File.ReadAllText(Path.Combine(sandbox + ".meta", TaskInit.StdoutFile)).Trim();
        Check("identity", exit == new TaskExit(7, null) && output.StartsWith("ident ", StringComparison.Ordinal) && output.EndsWith(" nobody", StringComparison.Ordinal),
            $"exit={exit} out='{output}'");
    }

    private static async Task OomKill(IsolatedTaskLauncher l, string sandbox, string hog)
    {
        var t = await l.LaunchAsync(new LaunchRequest("oom", [hog, "200"], new Dictionary<string, string>(), sandbox, new TaskLimits(0, 64L << 20)), default);
        var exit = await Finish(t);
        var last = File.ReadAllLines(Path.Combine(sandbox + ".meta", TaskInit.StdoutFile)).LastOrDefault() ?? "";
        Check("oom", exit.OomKilled && exit.Signal == 9, $"memory.max=64MiB hog=200MiB exit={exit} last='{last}'");
    }

    private static async Task PidsLimit(IsolatedTaskLauncher l, string sandbox)
    {
        // A real fork bomb; pids.max must hold it and the machine must stay usable.
        var t = (IsolatedTask)await l.LaunchAsync(Sh("forkbomb", sandbox, "b(){ b | b & }; b; sleep 60", new TaskLimits(0, 0, MaxPids: 32)), default);
        await Task.Delay(3000);
        var dir = t.CgroupDir!;
        var current = CgroupFile.TryRead(Path.Combine(dir, "pids.current"))?.Trim();
        var max = CgroupFile.TryRead(Path.Combine(dir, "pids.max"))?.Trim();
        var hits = PidsController.LimitHits(dir);
        var sw = Stopwatch.StartNew();
        await t.KillAsync(TimeSpan.FromMilliseconds(500), default);
        await Finish(t);
        var killMs = sw.ElapsedMilliseconds;
        var after = await l.LaunchAsync(Sh("after-bomb", sandbox + "-after", "echo alive", new TaskLimits(0, 0)), default);
        var healthy = await Finish(after) == new TaskExit(0, null);
        Check("pids", hits > 0 && long.Parse(current ?? "0", CultureInfo.InvariantCulture) <= long.Parse(max ?? "0", CultureInfo.InvariantCulture) && healthy,
            $"pids.max={max} pids.current={current} max_events={hits} killed_in={killMs}ms next_task_ok={healthy}");
    }

    private static async Task CpuQuota(IsolatedTaskLauncher l, string sandbox)
    {
        var t = (IsolatedTask)await l.LaunchAsync(Sh("busy", sandbox, "while :; do :; done", new TaskLimits(0.2, 0)), default);
        var dir = t.CgroupDir!;
        await Task.Delay(300); // past init's own start-up
        var u0 = CpuController.UsageMicros(dir) ?? 0;
        var sw = Stopwatch.StartNew();
        await Task.Delay(3000);
        var u1 = CpuController.UsageMicros(dir) ?? 0;
        var wallUs = sw.Elapsed.TotalMicroseconds;
        var stat = (CgroupFile.TryRead(Path.Combine(dir, "cpu.stat")) ?? "").Replace('\n', ' ');
        await t.KillAsync(TimeSpan.FromMilliseconds(200), default);
        await Finish(t);
        var share = (u1 - u0) / wallUs;
        Check("cpu", share is >= CpuLow and <= CpuHigh,
            $"cpus=0.2 share={share.ToString("F3", CultureInfo.InvariantCulture)} band=[{CpuLow},{CpuHigh}] cpu.stat: {stat.Trim()}");
    }

    private static async Task KillAll(IsolatedTaskLauncher l, string sandbox)
    {
        var t = (IsolatedTask)await l.LaunchAsync(
            Sh("killall", sandbox, "trap '' TERM; (sleep 300 & sleep 300 &) ; (sh -c 'trap \"\" TERM; sleep 300') & touch ready; wait", new TaskLimits(0, 0)), default);
        for (var i = 0; i < 200 && !File.Exists(Path.Combine(sandbox, "ready")); i++)
        {
            await Task.Delay(25);
        }

        await Task.Delay(300);
        var dir = t.CgroupDir!;
        var pids = new TaskCgroup(dir).Pids();
        await t.KillAsync(TimeSpan.FromMilliseconds(300), default);
        var exit = await Finish(t);
        var survivors = pids.Where(p => Directory.Exists($"/proc/{p}")).ToList();
        Check("kill", pids.Count >= 5 && survivors.Count == 0 && !Directory.Exists(dir),
            $"pids_before={pids.Count} survivors={survivors.Count} cgroup_removed={!Directory.Exists(dir)} exit={exit}");
    }

    /// <summary>
    /// An image task as the agent runs one: the image provisioned into a layer store, its layers stacked with overlayfs,
    /// and the task's memory limit holding inside it (the image's hog is OOM-killed after printing the image's file).
    /// </summary>
    private static async Task ImageTask(IsolatedTaskLauncher l, string sandbox, string reference)
    {
        var sw = Stopwatch.StartNew();
        var cache = new Images.ImageCache(sandbox + ".images", _ => { });
        var parsed = Core.Images.ImageReference.Parse(reference, out var error) ?? throw new InvalidOperationException(error);
        var image = await cache.GetAsync(parsed, forcePull: false, default);
        var provisionMs = sw.ElapsedMilliseconds;
        var overlay = sandbox + ".rootfs";
        Images.ImageRootfsFiles.Prepare(overlay, "image", hostNetwork: true);
        var t = await l.LaunchAsync(new LaunchRequest("image", ["/bin/sh", "-c", "cat /etc/motd; exec /bin/hog 100"],
            new Dictionary<string, string> { ["PATH"] = "/bin" }, sandbox, new TaskLimits(0, 32L << 20), Image: new Images.ImageRootfs(overlay, image.LayerDirs, "/")), default);
        var exit = await Finish(t);
        var output = File.ReadAllLines(Path.Combine(sandbox + ".meta", TaskInit.StdoutFile));
        Check("image", exit.OomKilled && exit.Signal == 9 && output.FirstOrDefault() == "from the image",
            $"{reference}: {image.LayerDirs.Count} layer(s) provisioned in {provisionMs} ms; memory.max=32MiB hog=100MiB exit={exit} " +
            $"out='{string.Join(" | ", output)}' total {sw.ElapsedMilliseconds} ms");
    }

    /// <summary>A launch through a pre-started init: the command must already be in its task's cgroup when it runs.</summary>
    private static async Task WarmInCgroup(IsolatedTaskLauncher l, string sandbox)
    {
        var pool = l.WarmInits!;
        for (var i = 0; i < 200 && pool.WaitingPids.Count == 0; i++) await Task.Delay(25);
        var waiting = pool.WaitingPids.FirstOrDefault();
        var t = (IsolatedTask)await l.LaunchAsync(Sh("warm", sandbox, "cat /proc/self/cgroup", new TaskLimits(0, 0)), default);
        var exit = await Finish(t);
        var output = File.ReadAllText(Path.Combine(sandbox + ".meta", TaskInit.StdoutFile)).Trim();
        Check("warm", waiting != 0 && t.Pid == waiting && exit == new TaskExit(0, null) && output.StartsWith("0::/", StringComparison.Ordinal)
            && t.CgroupDir!.EndsWith(output["0::".Length..], StringComparison.Ordinal),
            $"waiting={waiting} pid={t.Pid} cgroup='{output}' dir={t.CgroupDir} exit={exit} error={pool.LastError}");
    }
}
