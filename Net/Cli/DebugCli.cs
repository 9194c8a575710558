using System.CommandLine;
using MiniMesos.Net.Storage;

namespace MiniMesos.Net.Cli;

/// <summary>
/// `minimesos debug ...`: hidden tools for tests and post-mortems, not part of the documented interface.
/// `debug check-history --data-dir D` replays a STOPPED master's replicated history and checks every committed state
/// (<see cref="HistoryReplay"/>); exit 1 names every violation.
/// </summary>
internal static class DebugCli
{
    public static Command Command()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "The stopped master's data dir.", Required = true };
        var cluster = CommonOptions.Cluster();
        var check = new Command("check-history",
            "Replay a stopped master's raft.db from its snapshot on, checking apps' instance bounds and constraints at every committed state.")
            { dataDir, cluster };
        check.SetAction(parse =>
        {
            var dir = parse.GetValue(dataDir)!;
            if (!File.Exists(Path.Combine(dir, SqliteRaftStore.FileName)) || !File.Exists(Path.Combine(dir, "node-id")))
                throw new CliException($"{dir} holds no master state (raft.db and node-id): pass a master's --data-dir", ExitCodes.UsageError);
            var self = NodeIdFile.ReadOrCreate(dir);
            using var store = SqliteRaftStore.Open(dir, new StoreIdentity(parse.GetValue(cluster)!, self));
            var r = HistoryReplay.Run(store);
            Console.WriteLine($"check-history: master {self}: snapshot at entry {r.SnapshotIndex}, applied through entry {r.AppliedIndex} " +
                $"(commit index {r.CommitIndex}, last entry {r.LastIndex}); committed states checked: {r.StatesChecked}; " +
                $"returns of replaced instances: {r.ExtraWindows}, extra_live_ms (longest) {r.LongestExtraMs}");
            foreach (var w in r.Windows)
                Console.WriteLine($"returned instance: app {w.AppId} over its count from {w.From} to {w.To}: {w.Ms} ms");
            foreach (var w in r.OpenWindows)
                Console.WriteLine($"returned instance: app {w.AppId} over its count from {w.From} until the end of the replay");
            Console.WriteLine($"state at entry {r.AppliedIndex}: sha256 {r.StateDigest}");
            foreach (var violation in r.Violations) Console.WriteLine("VIOLATION: " + violation);
            return r.Violations.Count == 0 ? ExitCodes.Success : ExitCodes.RuntimeError;
        });
        return new Command("debug", "Tools for tests and post-mortems (not a stable interface).") { Hidden = true, Subcommands = { check } };
    }
}
