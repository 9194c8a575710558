using System.Diagnostics;
using System.Globalization;
using MiniMesos.Isolation;

// dotnet run -c Release -- [--init /path/to/aot/minimesos] [--n 200]
// Prints median and p99 of: launch to RUNNING, launch to exit (a task running `true`), warm (through a pre-started
// init, as the agent launches) and cold (pool off), and the baseline
// `unshare --pid --fork --mount-proc --uts --ipc true` plus mkdir/rmdir of a cgroup, all in this run.
var n = 200;
var Settle = TimeSpan.FromMilliseconds(20);
string[] init = [Environment.ProcessPath!, Path.Combine(AppContext.BaseDirectory, "minimesos.dll")];
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--n") n = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    if (args[i] == "--init") init = [args[i + 1]];
}

var group = $"minimesos-bench-{Environment.ProcessId}";
// Warm: as the agent launches (a pre-started init when one waits, refilled after each launch). Cold: pool off.
var launcher = new IsolatedTaskLauncher(new LaunchOptions(InitCommand: init, CgroupGroup: group));
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
        var sw = Stopwatch.StartNew();
        var cg = launcher.CgroupGroupDir is { } g ? Path.Combine(g, $"baseline{i + 5}") : null;
        if (cg is not null) Directory.CreateDirectory(cg);
        using (var p = Process.Start("unshare", "--pid --fork --mount-proc --uts --ipc true")) p.WaitForExit();
        if (cg is not null) Directory.Delete(cg);
        var b = sw.Elapsed.TotalMilliseconds;
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
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RUNNING / baseline (medians): warm {Median(running) / Median(baseline):F2}x, cold {Median(coldRunning) / Median(baseline):F2}x"));

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
