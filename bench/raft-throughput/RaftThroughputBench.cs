using System.Diagnostics;
using System.Security.Cryptography;
using MiniMesos.Core.Raft;
using MiniMesos.Net.Raft;

namespace MiniMesos.Bench;

/// <summary>
/// Committed commands per second on three masters in this process (real SqliteRaftStore, real RaftTransport on
/// loopback TCP), proposed to the leader by C concurrent clients, beside the fsync'ed single-row SQLite commit
/// rate of the same disk (bench/durable-commit's measurement) in the same run.
/// Usage: MiniMesos.Bench [--dir DIR] [--seconds S (≤5)] [--clients 1,16,128,512] [--payload BYTES]
/// </summary>
internal static class RaftThroughputBench
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    public static async Task<int> RunAsync(string[] args)
    {
        var parent = Option(args, "--dir") ?? Path.GetTempPath();
        var seconds = Math.Clamp(double.Parse(Option(args, "--seconds") ?? "3"), 0.5, 5);
        var clients = (Option(args, "--clients") ?? "1,16,128,512").Split(',').Select(int.Parse).Select(c => Math.Clamp(c, 1, 4096)).ToList();
        var payload = int.Parse(Option(args, "--payload") ?? "64");

        Console.WriteLine("== baseline: durable commits on this disk (bench/durable-commit)");
        DurableCommitBench.Run(["--dir", parent, "--seconds", "1", "--runs", "3", "--payload", payload.ToString()]);
        Console.WriteLine();
        // The same run measures plain TCP and TLS 1.3 (as masters run: the handshake bound to the certificate), so the
        // cost of TLS is compared on the same disk at the same moment.
        foreach (var tls in new[] { false, true })
        {
            Console.WriteLine($"== Raft: 3 masters in this process, loopback {(tls ? "TLS 1.3" : "plain TCP")}, SQLite in {parent}, {payload}-byte commands, {seconds:0.#} s per level");
            await RunModeAsync(parent, clients, seconds, payload, tls);
            Console.WriteLine();
        }
        return 0;
    }

    private static async Task RunModeAsync(string parent, List<int> clients, double seconds, int payload, bool tls)
    {
        var dir = Directory.CreateTempSubdirectory("minimesos-raft-bench-").FullName;
        var secret = RandomNumberGenerator.GetBytes(32);
        var members = Enumerable.Range(1, 3).Select(i => ((ulong)i, BenchMaster.FreePort())).ToList();
        var masters = members.Select(m => new BenchMaster(m.Item1, members, secret, Path.Combine(dir, m.Item1.ToString()), Tick, new CountingMachine(), tls: tls)).ToList();
        try
        {
            var leader = masters[await BenchMaster.LeaderIndexAsync(masters)];
            await MeasureAsync(leader, 16, TimeSpan.FromSeconds(1), payload); // warm-up: JIT, connections
            Console.WriteLine($"{"clients",8} {"commits/s",10} {"p50 ms",8} {"p99 ms",8} {"failed",7} {"per Ready",10} {"persist",8} {"follower persist",17}");
            foreach (var c in clients)
            {
                var follower = masters.First(m => m != leader);
                leader.Meter.Take();
                follower.Meter.Take();
                var (rate, p50, p99, failed, elapsed) = await MeasureAsync(leader, c, TimeSpan.FromSeconds(seconds), payload);
                var lm = leader.Meter.Take();
                var fm = follower.Meter.Take();
                Console.WriteLine($"{c,8} {rate,10:0} {p50,8:0.0} {p99,8:0.0} {failed,7} {(lm.Readies == 0 ? 0 : (double)lm.Entries / lm.Readies),10:0.0} " +
                    $"{lm.Time / elapsed,7:0%} {fm.Time / elapsed,16:0%}");
            }
            Console.WriteLine("(per Ready: entries the leader persisted per SQLite transaction; persist: share of wall time the leader's / a " +
                "follower's Raft loop spent in SqliteRaftStore.Persist)");
        }
        finally
        {
            foreach (var master in masters) await master.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(double Rate, double P50, double P99, long Failed, TimeSpan Elapsed)> MeasureAsync(
        BenchMaster leader, int clients, TimeSpan budget, int payload)
    {
        long committed = 0, failed = 0;
        var latencies = new List<double>[clients];
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            var command = new byte[payload];
            while (clock.Elapsed < budget)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await leader.Raft.ProposeAsync(command, CancellationToken.None);
                    Interlocked.Increment(ref committed);
                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (NotLeaderException)
                {
                    Interlocked.Increment(ref failed);
                    await Task.Delay(10);
                }
            }
        })).ToList();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double At(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
        return (committed / elapsed.TotalSeconds, At(0.5), At(0.99), failed, elapsed);
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
