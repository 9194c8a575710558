using System.Diagnostics;
using System.Globalization;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;

// dotnet run -c Release -- [--init /path/to/aot/minimesos] [--n 200] [--favordynmods] [--load N | --no-load]
// Prints median and p99 of: launch to RUNNING, launch to exit (a task running `true`), warm (through a pre-started
// init, as the agent launches) and cold (pool off), and the baseline
// `unshare --pid --fork --mount-proc --uts --ipc true` plus mkdir/rmdir of a cgroup, all in this run, after an idle
// gap and back to back: first on the box as it is (quiet), then the same rounds again with N CPU burners (default two
// per core; each a shell busy loop that ends by itself after 10 minutes at most, killed when the phase ends).
// --favordynmods: turn cgroup2's favordynmods on as the agent does (if it is off), and put the mount back at the end.
var n = 200;
var burners = 2 * Environment.ProcessorCount;
var LoadLimit = TimeSpan.FromMinutes(10);
var Settle = TimeSpan.FromMilliseconds(20);
var favor = args.Contains("--favordynmods");
// Without --init: minimesos.dll under the dotnet host. Not this process's own path: under `dotnet run` that is the
// bench's apphost, and each "init" would start another copy of the bench.
string[] init = ["dotnet", Path.Combine(AppContext.BaseDirectory, "minimesos.dll")];
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--n") n = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    if (args[i] == "--init") init = [args[i + 1]];
    if (args[i] == "--load") burners = Math.Clamp(int.Parse(args[i + 1], CultureInfo.InvariantCulture), 0, 64);
}

if (args.Contains("--no-load")) burners = 0;

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
Phase quiet;
Phase? loaded = null;
try
{
    quiet = await Rounds("q");
    if (burners > 0)
    {
        var burn = Enumerable.Range(0, burners).Select(_ =>
            Process.Start("timeout", $"{(int)LoadLimit.TotalSeconds} sh -c \"while :; do :; done\"")!).ToList();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2)); // the burners take the cores
            loaded = await Rounds("l");
        }
        finally
        {
            foreach (var p in burn)
            {
                try { p.Kill(true); } catch (InvalidOperationException) { }
                p.WaitForExit();
                p.Dispose();
            }
        }
    }

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

Console.WriteLine($"launches={n} per phase, init={string.Join(' ', init)}");
Report("quiet", quiet);
if (loaded is not null) Report($"loaded ({burners} CPU burners)", loaded);

void Report(string name, Phase p)
{
    Console.WriteLine($"--- {name}: load average {p.LoadStart} at start, {p.LoadEnd} at end");
    Console.WriteLine($"warm launches that used a pre-started init: {p.WarmHits}/{n}");
    Print("warm launch -> RUNNING", p.Running);
    Print("warm launch -> exit (true)", p.Total);
    Console.WriteLine($"back-to-back warm launches that used a pre-started init: {p.BackToBackHits}/{n}");
    Print("warm back to back -> RUNNING", p.BackToBack);
    Print("cold launch -> RUNNING", p.ColdRunning);
    Print("cold launch -> exit (true)", p.ColdTotal);
    Print("baseline unshare+cgroup", p.Baseline);
    Print("cold back to back -> RUNNING", p.ColdBackToBack);
    Print("baseline back to back", p.BaselineBackToBack);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name}: RUNNING / baseline (medians), after an idle gap: warm {Median(p.Running) / Median(p.Baseline):F2}x, cold {Median(p.ColdRunning) / Median(p.Baseline):F2}x"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name}: RUNNING / baseline (medians), back to back: warm {Median(p.BackToBack) / Median(p.BaselineBackToBack):F2}x, cold {Median(p.ColdBackToBack) / Median(p.BaselineBackToBack):F2}x"));
}

async Task<Phase> Rounds(string tag)
{
    var p = new Phase(File.ReadAllText("/proc/loadavg").Split(' ')[0]);
    for (var i = -5; i < n; i++) // 5 warm-up rounds, not counted
    {
        var waiting = launcher.WarmInits?.WaitingPids.FirstOrDefault() ?? 0;
        // A pause before each measurement, so none shares the cores with what the previous one left running
        // (the pool's background start of the next init, a cgroup being torn down).
        await Task.Delay(Settle);
        var (r, all, pid) = await Launch(launcher, $"{tag}w{i + 5}");
        await Task.Delay(Settle);
        var (cr, call, _) = await Launch(coldLauncher, $"{tag}c{i + 5}");

        await Task.Delay(Settle);
        var b = Baseline($"{tag}baseline{i + 5}");
        if (i < 0) continue;
        if (waiting != 0 && pid == waiting) p.WarmHits++;
        p.Running.Add(r);
        p.Total.Add(all);
        p.ColdRunning.Add(cr);
        p.ColdTotal.Add(call);
        p.Baseline.Add(b);
    }

    // Back to back: each warm launch right after the previous task ended, so its init had only that task's run
    // (here `true`) to start; a launch can take an init still starting, or start cold if none was started yet.
    for (var i = 0; i < n; i++)
    {
        var waiting = launcher.WarmInits?.WaitingPids.FirstOrDefault() ?? 0;
        var (r, _, pid) = await Launch(launcher, $"{tag}bb{i}");
        if (waiting != 0 && pid == waiting) p.BackToBackHits++;
        p.BackToBack.Add(r);
    }

    for (var i = 0; i < n; i++) p.ColdBackToBack.Add((await Launch(coldLauncher, $"{tag}cbb{i}")).Running);
    for (var i = 0; i < n; i++) p.BaselineBackToBack.Add(Baseline($"{tag}bbb{i}"));
    p.LoadEnd = File.ReadAllText("/proc/loadavg").Split(' ')[0];
    return p;
}

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

/// <summary>The figures of one phase (quiet, or with the CPU burners).</summary>
internal sealed class Phase(string loadStart)
{
    public string LoadStart { get; } = loadStart;
    public string LoadEnd { get; set; } = "?";
    public List<double> Running { get; } = [];
    public List<double> Total { get; } = [];
    public List<double> ColdRunning { get; } = [];
    public List<double> ColdTotal { get; } = [];
    public List<double> Baseline { get; } = [];
    public List<double> BackToBack { get; } = [];
    public List<double> ColdBackToBack { get; } = [];
    public List<double> BaselineBackToBack { get; } = [];
    public int WarmHits { get; set; }
    public int BackToBackHits { get; set; }
}
