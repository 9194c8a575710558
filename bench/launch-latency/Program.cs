using System.Diagnostics;
using System.Globalization;
using MiniMesos.Isolation;

// dotnet run -c Release -- [--init /path/to/aot/minimesos] [--n 200]
// Prints median and p99 of: launch to RUNNING, launch to exit (a task running `true`), and the baseline
// `unshare --pid --fork --mount-proc --uts --ipc true` plus mkdir/rmdir of a cgroup, all in this run.
var n = 200;
string[] init = [Environment.ProcessPath!, Path.Combine(AppContext.BaseDirectory, "minimesos.dll")];
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--n") n = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    if (args[i] == "--init") init = [args[i + 1]];
}

var group = $"minimesos-bench-{Environment.ProcessId}";
var launcher = new IsolatedTaskLauncher(new LaunchOptions(InitCommand: init, CgroupGroup: group));
var sandboxRoot = Directory.CreateTempSubdirectory("minimesos-bench-").FullName;
var running = new List<double>();
var total = new List<double>();
var baseline = new List<double>();
try
{
    for (var i = -5; i < n; i++) // 5 warm-up rounds, not counted
    {
        var sw = Stopwatch.StartNew();
        var t = await launcher.LaunchAsync(new LaunchRequest($"b{i + 5}", ["true"], new Dictionary<string, string>(),
            Path.Combine(sandboxRoot, $"b{i + 5}"), new TaskLimits(0.5, 64L << 20, 64)), default);
        var r = sw.Elapsed.TotalMilliseconds;
        var exit = await t.Exited;
        var all = sw.Elapsed.TotalMilliseconds;
        if (exit.ExitCode != 0) throw new InvalidOperationException($"task {i} ended {exit}");

        sw.Restart();
        var cg = launcher.CgroupGroupDir is { } g ? Path.Combine(g, $"baseline{i + 5}") : null;
        if (cg is not null) Directory.CreateDirectory(cg);
        using (var p = Process.Start("unshare", "--pid --fork --mount-proc --uts --ipc true")) p.WaitForExit();
        if (cg is not null) Directory.Delete(cg);
        var b = sw.Elapsed.TotalMilliseconds;
        if (i < 0) continue;
        running.Add(r);
        total.Add(all);
        baseline.Add(b);
    }

    // Per-task cost: what init (the only helper process per task) holds while the command runs.
    var idle = await launcher.LaunchAsync(new LaunchRequest("idle", ["sleep", "30"], new Dictionary<string, string>(),
        Path.Combine(sandboxRoot, "idle"), new TaskLimits(0, 0)), default);
    await Task.Delay(500);
    var status = File.ReadAllLines($"/proc/{idle.Pid}/status");
    var rollup = File.ReadAllLines($"/proc/{idle.Pid}/smaps_rollup");
    // Private_Dirty is what each further task adds; PSS also counts a share of the binary's file pages.
    Console.WriteLine($"init per task: {Field(rollup, "Private_Dirty")} private, {Field(status, "VmRSS")} RSS, {Field(rollup, "Pss")} PSS, {Field(status, "Threads")} threads");
    await idle.KillAsync(TimeSpan.FromSeconds(1), default);
}
finally
{
    Directory.Delete(sandboxRoot, true);
    if (launcher.CgroupGroupDir is { } g && Directory.Exists(g)) Directory.Delete(g);
}

Console.WriteLine($"launches={n} init={string.Join(' ', init)}");
Print("isolated launch -> RUNNING", running);
Print("isolated launch -> exit (true)", total);
Print("baseline unshare+cgroup", baseline);

static string Field(string[] lines, string key) =>
    lines.FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal))?[(key.Length + 1)..].Trim() ?? "?";

static void Print(string name, List<double> ms)
{
    ms.Sort();
    var median = ms[ms.Count / 2];
    var p99 = ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(ms.Count * 0.99) - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-32} median {median,7:F1} ms   p99 {p99,7:F1} ms"));
}
