using System.Diagnostics;
using Microsoft.Data.Sqlite;
using MiniMesos.Core.Raft;
using MiniMesos.Net.Storage;

namespace MiniMesos.Bench;

/// <summary>
/// How many entries per second reach the disk durably: (a) one fsync'ed SQLite transaction per row (the floor every
/// one-command-per-commit design pays), (b) SqliteRaftStore.Persist with N entries per Ready. Same disk, same run,
/// interleaved so drift hits every case alike; medians of a few bounded runs.
/// Usage: MiniMesos.Bench [--dir DIR] [--seconds S (≤3)] [--runs R] [--payload BYTES]
/// </summary>
internal static class DurableCommitBench
{
    private static readonly int[] BatchSizes = [1, 16, 128];

    public static int Run(string[] args)
    {
        var dir = Option(args, "--dir") ?? Path.GetTempPath();
        var seconds = Math.Clamp(double.Parse(Option(args, "--seconds") ?? "1"), 0.1, 3);
        var runs = Math.Clamp(int.Parse(Option(args, "--runs") ?? "3"), 1, 9);
        var payload = int.Parse(Option(args, "--payload") ?? "128");
        var budget = TimeSpan.FromSeconds(seconds);
        SqliteProvider.EnsureInitialized();
        Console.WriteLine($"durable commit rate in {dir}: {runs} runs of {seconds:0.#} s each, {payload}-byte entries, WAL + synchronous=FULL");

        var raw = new List<double>();
        var batched = BatchSizes.ToDictionary(n => n, _ => new List<double>());
        for (var run = 0; run < runs; run++)
        {
            raw.Add(InScratchDir(dir, d => RawCommits(d, payload, budget)));
            foreach (var n in BatchSizes)
            {
                batched[n].Add(InScratchDir(dir, d => StoreAppends(d, n, payload, budget)));
            }
        }

        var baseline = Median(raw);
        Console.WriteLine();
        Console.WriteLine($"{"case",-36} {"commits/s",10} {"entries/s",10} {"vs (a)",8}");
        Console.WriteLine($"{"(a) SQLite, 1 row per transaction",-36} {baseline,10:0} {baseline,10:0} {1.0,7:0.00}x");
        foreach (var n in BatchSizes)
        {
            var entries = Median(batched[n]);
            Console.WriteLine($"{$"(b) SqliteRaftStore, {n} per Ready",-36} {entries / n,10:0} {entries,10:0} {entries / baseline,7:0.00}x");
        }
        Console.WriteLine($"(medians of {runs}; raw runs: a=[{string.Join(", ", raw.Select(r => r.ToString("0")))}])");
        return 0;
    }

    /// <summary>Rows per second, one INSERT + COMMIT (one fsync of the WAL) per row.</summary>
    private static double RawCommits(string dir, int payload, TimeSpan budget)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dir, "raw.db"),
            Pooling = false,
        }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL");
        Execute(connection, "PRAGMA synchronous=FULL");
        Execute(connection, "CREATE TABLE rows(id INTEGER PRIMARY KEY, data BLOB NOT NULL)");
        using var insert = new SqliteCommand("INSERT INTO rows(id, data) VALUES ($id, $data)", connection);
        var id = insert.Parameters.Add(new SqliteParameter("$id", 0L));
        insert.Parameters.Add(new SqliteParameter("$data", new byte[payload]));
        var clock = Stopwatch.StartNew();
        long rows = 0;
        while (clock.Elapsed < budget)
        {
            using var tx = connection.BeginTransaction();
            insert.Transaction = tx;
            id.Value = ++rows;
            insert.ExecuteNonQuery();
            tx.Commit();
        }
        return rows / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Entries per second through the Raft store's one-transaction Ready path, n entries per Ready.</summary>
    private static double StoreAppends(string dir, int n, int payload, TimeSpan budget)
    {
        using var store = SqliteRaftStore.Open(dir, new StoreIdentity("bench", 1));
        var data = new byte[payload];
        var clock = Stopwatch.StartNew();
        ulong next = 1;
        while (clock.Elapsed < budget)
        {
            var entries = new LogEntry[n];
            for (var i = 0; i < n; i++) entries[i] = new LogEntry(next + (ulong)i, 1, EntryType.Normal, data);
            store.Persist(new Ready { Entries = entries });
            next += (ulong)n;
        }
        return (next - 1) / clock.Elapsed.TotalSeconds;
    }

    private static double InScratchDir(string parent, Func<string, double> measure)
    {
        var dir = Path.Combine(parent, "minimesos-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            return measure(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = new SqliteCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
