using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Master;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;

namespace MiniMesos.Bench;

/// <summary>
/// Placement throughput of the master: one leader and two followers in this process (real SqliteRaftStore, real
/// RaftTransport on loopback TCP), N simulated agents (<see cref="SimAgent"/>), M apps totalling I instances deployed
/// through the built-in apps framework (<see cref="AppsService"/>, its loop measured pass by pass). Baselines in the same
/// run: the raw Raft commit rate of the cluster, and placements made one at a time with the entries masters wrote before
/// batching (SubmitTask then AssignTask, each waiting for its commit).
/// Usage: MiniMesos.Bench [--agents 1000] [--apps 100] [--instances 100000] [--max-per-pass 4096] [--baseline 1000]
///        [--timeout-seconds 900] [--dir DIR] [--profile-pass]
/// </summary>
internal static class PlacementBench
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    private const double InstanceCpus = 0.01;
    private const double InstanceMem = 16;

    public static async Task<int> RunAsync(string[] args)
    {
        var agentCount = Math.Clamp(Int(args, "--agents", 1000), 1, 10_000);
        var appCount = Math.Clamp(Int(args, "--apps", 100), 1, 10_000);
        var instances = Math.Clamp(Int(args, "--instances", 100_000), appCount, 1_000_000);
        var maxPerPass = Math.Clamp(Int(args, "--max-per-pass", AppsService.MaxLaunchesPerPass), 1, 1_000_000);
        var baseline = Math.Clamp(Int(args, "--baseline", 1000), 0, 100_000);
        var timeout = TimeSpan.FromSeconds(Math.Clamp(Int(args, "--timeout-seconds", 900), 10, 3600));
        var parent = Option(args, "--dir") ?? Path.GetTempPath();
        var perAgent = (instances + agentCount - 1) / agentCount;
        if (perAgent > 800) throw new ArgumentException($"--instances/--agents: {perAgent} instances per agent do not fit an agent's 1,001 ports");

        if (args.Contains("--profile-pass"))
        {
            PassProfile.Run(agentCount, appCount, instances, maxPerPass);
            return 0;
        }
        Console.WriteLine($"== placement: 3 masters in this process, loopback TCP, SQLite in {parent}; {agentCount} simulated agents, " +
            $"{appCount} apps, {instances} instances (cpus={InstanceCpus} mem={InstanceMem}MiB ports=1 each), at most {maxPerPass} launches per pass");
        var dir = Directory.CreateTempSubdirectory("minimesos-placement-bench-").FullName;
        var secret = RandomNumberGenerator.GetBytes(32);
        var members = Enumerable.Range(1, 3).Select(i => ((ulong)i, BenchMaster.FreePort())).ToList();
        var services = members.Select(_ => new MasterService(TimeProvider.System, NullLogger.Instance)).ToList();
        var masters = members.Select((m, i) => new BenchMaster(m.Item1, members, secret, Path.Combine(dir, m.Item1.ToString()), Tick, services[i], services[i]))
            .ToList();
        for (var i = 0; i < masters.Count; i++) services[i].Attach(masters[i].Raft);
        using var stop = new CancellationTokenSource();
        var counters = new PlacementCounters();
        var loops = new List<Task>();
        try
        {
            var leaderIndex = await BenchMaster.LeaderIndexAsync(masters);
            var (leader, raft) = (services[leaderIndex], masters[leaderIndex]);
            loops.AddRange(services.Select(s => AppsLoop(s, maxPerPass, counters, stop.Token)));

            var clock = Stopwatch.StartNew();
            var agents = Enumerable.Range(0, agentCount).Select(i => new SimAgent($"agent-{i:0000}", leader, counters)).ToList();
            var total = new Resources(perAgent * 1.25 * InstanceCpus + 0.01, (long)Math.Ceiling(perAgent * 1.25 * InstanceMem) + 16, 1024);
            await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (agent, ct) =>
                await leader.AgentConnectedAsync(new AgentRecord(agent.Id, agent.Id, total, new Dictionary<string, string>(), 0), agent, ct));
            loops.AddRange(agents.Select(a => a.RunAsync(stop.Token)));
            Console.WriteLine($"{agentCount} agents registered in {clock.Elapsed.TotalSeconds:0.0} s, each {total}");

            await BaselinesAsync(leader, raft, agents, baseline);
            loops.Add(MaintainLoop(services, stop.Token));
            counters.Reset();
            raft.Meter.Take();

            Console.WriteLine();
            Console.WriteLine("== the run: apps deployed, placed by the apps pass, STARTING and RUNNING committed per status update");
            var start = Stopwatch.GetTimestamp();
            // Submitted together, as many API clients would.
            await Task.WhenAll(Enumerable.Range(0, appCount).Select(i => leader.PutAppAsync(new AppSpec($"/bench/app{i:000}", Args: ["sleep", "inf"],
                Cpus: InstanceCpus, Mem: InstanceMem, Ports: 1, Instances: instances / appCount + (i < instances % appCount ? 1 : 0), Version: "1"),
                CancellationToken.None)));
            var deployed = Stopwatch.GetElapsedTime(start);
            await WatchAsync(counters, instances, timeout, masters);
            var perSecond = counters.PlacementsPerSecond();
            var persist = raft.Meter.Take();
            var end = Stopwatch.GetTimestamp();

            var running = leader.Tasks().Count(t => t.Spec.AppId is not null && t.State == TaskState.Running);
            var placedFor = PlacementCounters.Since(start, counters.LastPlacedAt);
            var runningFor = PlacementCounters.Since(start, counters.LastRunningAt);
            var (passes, launching) = counters.Passes();
            var (updates, updateMean) = counters.Updates();
            Console.WriteLine($"apps committed in {deployed.TotalSeconds:0.00} s; tasks RUNNING in the leader's state at the end: {running} of {instances}" +
                (running == instances ? "" : "  <-- INCOMPLETE"));
            Console.WriteLine($"placements committed: {counters.PlacedCount} in {placedFor.TotalSeconds:0.00} s after the first app was submitted = " +
                $"{counters.PlacedCount / placedFor.TotalSeconds:0} /s overall; median over the whole seconds with placements: " +
                $"{PlacementCounters.Quantile(perSecond, 0.5):0} /s (max {(perSecond.Count == 0 ? 0 : perSecond.Max()):0})");
            Console.WriteLine($"time until all RUNNING: {runningFor.TotalSeconds:0.00} s (all placed at {placedFor.TotalSeconds:0.00} s)");
            Console.WriteLine($"apps passes: {passes.Count}, of which {launching.Count} launched; pass latency (view + decide + commit of its launches): " +
                $"median {PlacementCounters.Quantile(launching, 0.5):0.0} ms, p99 {PlacementCounters.Quantile(launching, 0.99):0.0} ms, max " +
                $"{(launching.Count == 0 ? 0 : launching.Max()):0.0} ms (all passes: median {PlacementCounters.Quantile(passes, 0.5):0.0} ms, " +
                $"p99 {PlacementCounters.Quantile(passes, 0.99):0.0} ms)");
            Console.WriteLine($"status updates committed: {updates} ({updates / runningFor.TotalSeconds:0} /s over the run), mean {updateMean.TotalMilliseconds:0.0} ms each " +
                $"from send to commit; leader persisted {persist.Entries} entries in {persist.Readies} SQLite transactions " +
                $"({(persist.Readies == 0 ? 0 : (double)persist.Entries / persist.Readies):0.0} per transaction, {persist.Time / PlacementCounters.Since(start, end):0%} of wall time)");
            return running == instances ? 0 : 1;
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var agent in loops) await Quietly(agent);
            foreach (var master in masters) await master.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The raw commit rate of this cluster, then placements one at a time the way masters made them before batching.</summary>
    private static async Task BaselinesAsync(MasterService leader, BenchMaster raft, List<SimAgent> agents, int count)
    {
        Console.WriteLine();
        Console.WriteLine("== baselines on the same cluster (no apps yet)");
        long commits = 0;
        var budget = Stopwatch.StartNew();
        var noop = CommandCodec.Encode(new UpdateTaskStatus(0, "no-such-task", TaskState.Running, null, null, null));
        await Task.WhenAll(Enumerable.Range(0, 256).Select(_ => Task.Run(async () =>
        {
            while (budget.Elapsed < TimeSpan.FromSeconds(2))
            {
                await raft.Raft.ProposeAsync(noop, CancellationToken.None);
                Interlocked.Increment(ref commits);
            }
        })));
        Console.WriteLine($"raw Raft commits, 256 concurrent proposers: {commits / budget.Elapsed.TotalSeconds:0} /s");
        if (count == 0) return;

        var spec = new TaskSpec("baseline", ["true"], new Dictionary<string, string>(), new Resources(0, 0));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await raft.Raft.ProposeAsync(CommandCodec.Encode(new SubmitTask(now, $"baseline-old.{i}", spec)), CancellationToken.None);
            await raft.Raft.ProposeAsync(CommandCodec.Encode(new AssignTask(now, $"baseline-old.{i}", agents[i % agents.Count].Id)), CancellationToken.None);
        }
        Console.WriteLine($"one placement at a time, SubmitTask then AssignTask (the path before batching): {count / clock.Elapsed.TotalSeconds:0} placements/s");
        clock.Restart();
        for (var i = 0; i < count; i++)
            await leader.LaunchPlacedAsync($"baseline-one.{i}", spec, agents[i % agents.Count].Id, CancellationToken.None);
        Console.WriteLine($"one placement at a time, one LaunchTasks entry each (jobs' path): {count / clock.Elapsed.TotalSeconds:0} placements/s");
        var ids = Enumerable.Range(0, count).SelectMany(i => new[] { $"baseline-old.{i}", $"baseline-one.{i}" }).ToList();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (id, ct) =>
            await raft.Raft.ProposeAsync(CommandCodec.Encode(new UpdateTaskStatus(now, id, TaskState.Killed, null, null, "baseline done")), ct));
    }

    /// <summary>Waits until every instance is RUNNING (or the timeout), reporting progress every 5 s.</summary>
    private static async Task WatchAsync(PlacementCounters counters, int instances, TimeSpan timeout, List<BenchMaster> masters)
    {
        var clock = Stopwatch.StartNew();
        for (var tick = 1; counters.RunningCount < instances && clock.Elapsed < timeout; tick++)
        {
            await Task.Delay(100);
            if (tick % 50 == 0)
                Console.WriteLine($"  {clock.Elapsed.TotalSeconds,4:0} s: {counters.PlacedCount} placed, {counters.RunningCount} RUNNING, " +
                    $"{counters.FailedCount} status updates failed" + (counters.FirstFailure is { } f ? $" (first: {f})" : "") +
                    $", leader: {string.Join(",", masters.Select(m => m.Raft.IsLeader ? "L" : "f"))}");
        }
    }

    /// <summary>The apps loop, each pass of the leader timed; on every master, as before leader services (a follower's pass does nothing).</summary>
    private static Task AppsLoop(MasterService master, int maxPerPass, PlacementCounters counters, CancellationToken cancellationToken)
    {
        var apps = new AppsService(master, TimeProvider.System, NullLogger.Instance, maxPerPass);
        apps.PassCompleted += (took, launched) => counters.Pass(took, launched > 0);
        return apps.RunAsync(cancellationToken);
    }

    /// <summary>Leader housekeeping once a second, as MasterHost does.</summary>
    private static async Task MaintainLoop(List<MasterService> services, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            foreach (var service in services)
            {
                try
                {
                    await service.MaintainAsync(cancellationToken);
                }
                catch (NotLeaderException)
                {
                }
            }
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static int Int(string[] args, string name, int fallback) => Option(args, name) is { } v ? int.Parse(v) : fallback;

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
