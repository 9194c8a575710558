using System.Diagnostics;
using System.Globalization;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;

// dotnet run -c Release -- [--init /path/to/aot/minimesos] [--n 200] [--favordynmods]
// Prints median and p99 of: launch to RUNNING, launch to exit (a task running `true`), warm (through a pre-started
// init, as the agent launches) and cold (pool off), and the baseline
// `unshare --pid --fork --mount-proc --uts --ipc true` plus mkdir/rmdir of a cgroup, all in this run, after an idle
// gap and back to back. --favordynmods: turn cgroup2's favordynmods on as the agent does (if it is off), and put the
// mount back as it was at the end.
var n = 200;
var Settle = TimeSpan.FromMilliseconds(20);
var favor = args.Contains("--favordynmods");
string[] init = [Environment.ProcessPath!, Path.Combine(AppContext.BaseDirectory, "minimesos.dll")];
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--n") n = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    if (args[i] == "--init") init = [args[i + 1]];
}

Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()} ({Environment.ProcessorCount} cores)");
var restore = favor ? MiniMesos.Core.Isolation.Cgroup2Remount.Plan(File.ReadAllText("/proc/self/mountinfo")) : null;

var group = $"minimesos-bench-{Environment.ProcessId}";
// Warm: as the agent launches (a pre-started init when one waits, refilled after each launch). Cold: pool off.
var launcher = new IsolatedTaskLauncher(new LaunchOptions(InitCommand: init, CgroupGroup: group, FavorDynMods: favor));
Console.WriteLine($"cgroup2 favordynmods: {(MiniMesos.Core.Isolation.Cgroup2Remount.Plan(File.ReadAllText("/proc/self/mountinfo")) is null ? "on" : "off")}" +
    (launcher.CgroupRemounted is not null ? " (turned on for this run)" : ""));
var coldLauncher = new IsolatedTaskLauncher(new LaunchOptions(InitCommand: init, CgroupGroup: group, WarmInits: 0));
// Not below /tmp, as an agent's work dir: a sandbox there is bound again inside the task's private /tmp, a cost agents do not pay.
var sandboxRoot = Directory.CreateDirectory(Path.Combine("/var/lib", $"minimesos-bench-{Environment.ProcessId}")).FullName;
var running = new List<double>();
var total = new List<double>();
var coldRunning = new List<double>();
var coldTotal = new List<double>();
var baseline = new List<double>();
var warmHits = 0;
var backToBack = new List<double>();
var backToBackHits = 0;
var coldBackToBack = new List<double>();
var baselineBackToBack = new List<double>();
try
{
    for (var i = -5; i < n; i++) // 5 warm-up rounds, not counted
    {
        var waiting = launcher.WarmInits?.WaitingPids.FirstOrDefault() ?? 0;
        // A pause before each measurement, so none shares the cores with what the previous one left running
        // (the pool's background start of the next init, a cgroup being torn down).
        await Task.Delay(Settle);
        var (r, all, pid) = await Launch(launcher, $"w{i + 5}");
        await Task.Delay(Settle);
        var (cr, call, _) = await Launch(coldLauncher, $"c{i + 5}");

        await Task.Delay(Settle);
        var b = Baseline($"baseline{i + 5}");
        if (i < 0) continue;
        if (waiting != 0 && pid == waiting) warmHits++;
        running.Add(r);
        total.Add(all);
        coldRunning.Add(cr);
        coldTotal.Add(call);
        baseline.Add(b);
    }

    // Back to back: each warm launch right after the previous task ended, so its init had only that task's run
    // (here `true`) to start; a launch can take an init still starting, or start cold if none was started yet.
    for (var i = 0; i < n; i++)
    {
        var waiting = launcher.WarmInits?.WaitingPids.FirstOrDefault() ?? 0;
        var (r, _, pid) = await Launch(launcher, $"bb{i}");
        if (waiting != 0 && pid == waiting) backToBackHits++;
        backToBack.Add(r);
    }

    for (var i = 0; i < n; i++) coldBackToBack.Add((await Launch(coldLauncher, $"cbb{i}")).Running);
    for (var i = 0; i < n; i++) baselineBackToBack.Add(Baseline($"bbb{i}"));

    // Per-task cost: what init (the only helper process per task) holds while the command runs.
    var idle = await launcher.LaunchAsync(new LaunchRequest("idle", ["sleep", "30"], new Dictionary<string, string>(),
        Path.Combine(sandboxRoot, "idle"), new TaskLimits(0, 0)), default);
    await Task.Delay(500);
    var status = File.ReadAllLines($"/proc/{idle.Pid}/status");
    var rollup = File.ReadAllLines($"/proc/{idle.Pid}/smaps_rollup");
    // Private_Dirty is what each further task adds; PSS also counts a share of the binary's file pages.
    Console.WriteLine($"init per task: {Field(rollup, "Private_Dirty")} private, {Field(status, "VmRSS")} RSS, {Field(rollup, "Pss")} PSS, {Field(status, "Threads")} threads");
    // The price of the pool: one init waiting, per agent, whether tasks come or not.
    if (launcher.WarmInits?.WaitingPids.FirstOrDefault() is > 0 and var w)
    {
        var wr = File.ReadAllLines($"/proc/{w}/smaps_rollup");
        Console.WriteLine($"waiting init: {Field(wr, "Private_Dirty")} private, {Field(File.ReadAllLines($"/proc/{w}/status"), "VmRSS")} RSS, {Field(wr, "Pss")} PSS");
    }

    await idle.KillAsync(TimeSpan.FromSeconds(1), default);
}
finally
{
    launcher.Dispose();
    coldLauncher.Dispose();
    Directory.Delete(sandboxRoot, true);
    if (launcher.CgroupGroupDir is { } g && Directory.Exists(g)) Directory.Delete(g);
    if (restore is not null && launcher.CgroupRemounted is not null)
    {
        // As the host had it: the same options without favordynmods.
        var data = string.Join(',', restore.Data.Split(',').Where(o => o != MiniMesos.Core.Isolation.Cgroup2Remount.Option));
        if (MiniMesos.Isolation.Libc.Mount.mount_with_options("cgroup2", restore.MountPoint, "cgroup2", 32 | restore.MountFlags, data) != 0)
            Console.WriteLine($"could not turn favordynmods off again on {restore.MountPoint}");
    }
}

Console.WriteLine($"launches={n} init={string.Join(' ', init)}");
Console.WriteLine($"warm launches that used a pre-started init: {warmHits}/{n}");
Print("warm launch -> RUNNING", running);
Print("warm launch -> exit (true)", total);
Console.WriteLine($"back-to-back warm launches that used a pre-started init: {backToBackHits}/{n}");
Print("warm back to back -> RUNNING", backToBack);
Print("cold launch -> RUNNING", coldRunning);
Print("cold launch -> exit (true)", coldTotal);
Print("baseline unshare+cgroup", baseline);
Print("cold back to back -> RUNNING", coldBackToBack);
Print("baseline back to back", baselineBackToBack);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RUNNING / baseline (medians), after an idle gap: warm {Median(running) / Median(baseline):F2}x, cold {Median(coldRunning) / Median(baseline):F2}x"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RUNNING / baseline (medians), back to back: warm {Median(backToBack) / Median(baselineBackToBack):F2}x, cold {Median(coldBackToBack) / Median(baselineBackToBack):F2}x"));
Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");

double Baseline(string name)
{
    var sw = Stopwatch.StartNew();
    var cg = launcher.CgroupGroupDir is { } g ? Path.Combine(g, name) : null;
    if (cg is not null) Directory.CreateDirectory(cg);
    using (var p = Process.Start("unshare", "--pid --fork --mount-proc --uts --ipc true")!) p.WaitForExit();
    if (cg is not null) Directory.Delete(cg);
    return sw.Elapsed.TotalMilliseconds;
}

async Task<(double Running, double Exited, int Pid)> Launch(IsolatedTaskLauncher l, string id)
{
    var sw = Stopwatch.StartNew();
    // As an agent launches: a per-task uid (private /tmp and /dev/shm come with every launch).
    var t = await l.LaunchAsync(new LaunchRequest(id, ["true"], new Dictionary<string, string>(),
        Path.Combine(sandboxRoot, id), new TaskLimits(0.5, 64L << 20, 64), Uid: 1879113700u + (uint)(id.GetHashCode() & 0xff)), default);
    var r = sw.Elapsed.TotalMilliseconds;
    var exit = await t.Exited;
    if (exit.ExitCode != 0) throw new InvalidOperationException($"task {id} ended {exit}");
    return (r, sw.Elapsed.TotalMilliseconds, t.Pid);
}

static double Median(List<double> ms) => ms.Order().ElementAt(ms.Count / 2);

static string Field(string[] lines, string key) =>
    lines.FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal))?[(key.Length + 1)..].Trim() ?? "?";

static void Print(string name, List<double> ms)
{
    ms.Sort();
    var median = ms[ms.Count / 2];
    var p99 = ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(ms.Count * 0.99) - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-32} median {median,7:F1} ms   p99 {p99,7:F1} ms"));
}
