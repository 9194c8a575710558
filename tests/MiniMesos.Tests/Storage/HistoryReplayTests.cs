using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.Raft;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Storage;
using MiniMesos.Tests.EndToEnd;
using static MiniMesos.Tests.Master.Simulation.Issue22History;
using Xunit;

namespace MiniMesos.Tests.Storage;

/// <summary>
/// `minimesos debug check-history`: a master's raft.db (a real SQLite store written through the store's own API, entries
/// encoded with the command codec) replayed from its snapshot on, each committed state checked. The recorded history of
/// issue 22 (an agent's return in two entries with a placement in between) must fail, the return in one entry must pass.
/// </summary>
public sealed class HistoryReplayTests : IDisposable
{
    private static readonly StoreIdentity Node = new("test", 7);
    private TempDataDir _dir = new();

    /// <summary>Writes <paramref name="history"/> as entries 2.. (entry 1 the voters), commits through <paramref name="commit"/>, and compacts through <paramref name="snapshotAt"/>.</summary>
    private void Write(IReadOnlyList<ClusterCommand> history, ulong commit, ulong snapshotAt = 0)
    {
        if (File.Exists(_dir.DbFile))
        {
            _dir.Dispose();
            _dir = new TempDataDir();
        }
        File.WriteAllText(Path.Combine(_dir.Path, "node-id"), "7\n");
        using var store = SqliteRaftStore.Open(_dir.Path, Node);
        var entries = new List<LogEntry> { new(1, 1, EntryType.Config, new ClusterConfig([7]).Encode()) };
        entries.AddRange(history.Select((c, i) => new LogEntry((ulong)i + 2, 1, EntryType.Normal, CommandCodec.Encode(c))));
        store.Append(entries);
        store.Save(new HardState(1, 7, commit));
        if (snapshotAt == 0) return;
        var state = new ClusterState();
        foreach (var command in history.Take((int)snapshotAt - 1)) state.Apply(command);
        store.Save(new Snapshot(new SnapshotMetadata(snapshotAt, 1, new ClusterConfig([7])), StateSnapshotCodec.Encode(state)));
        store.DeleteThrough(snapshotAt);
    }

    private HistoryReplayResult Replay()
    {
        using var store = SqliteRaftStore.Open(_dir.Path, Node);
        return HistoryReplay.Run(store);
    }

    [Fact]
    public async Task TheOldTwoEntryReturnFailsTheCheckFromTheCommandLine()
    {
        Write([.. Before(), .. TwoEntryReturn()], commit: 10);
        var (exit, stdout, stderr) = await CliProcess.RunAsync(["debug", "check-history", "--data-dir", _dir.Path, "--cluster", "test"]);
        Assert.True(exit == 1, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("VIOLATION: entry 10: app /evpart-sleep has 3 live instances, more than 2", stdout);
        Assert.Contains("evpart-sleep.1 on host-a1 breaks UNIQUE hostname", stdout);
        Assert.Contains("applied through entry 10 (commit index 10, last entry 10); committed states checked: 9", stdout);
    }

    [Fact]
    public async Task TheReturnInOneEntryPasses()
    {
        Write([.. Before(), .. OneEntryReturn()], commit: 9);
        var (exit, stdout, stderr) = await CliProcess.RunAsync(["debug", "check-history", "--data-dir", _dir.Path, "--cluster", "test"]);
        Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("committed states checked: 8", stdout);
        Assert.DoesNotContain("VIOLATION", stdout);
    }

    [Fact]
    public void TheReplayStartsAtTheSnapshotAndStopsAtTheCommitIndex()
    {
        // Compacted through entry 7 (the agent cut): the violating placement is still caught from the snapshot's state.
        Write([.. Before(), .. TwoEntryReturn()], commit: 10, snapshotAt: 7);
        var r = Replay();
        Assert.Equal(7UL, r.SnapshotIndex);
        Assert.Equal(3, r.StatesChecked);
        Assert.Contains(r.Violations, v => v.Contains("3 live instances, more than 2", StringComparison.Ordinal));

        // The same log committed only through entry 9 (the placement): the resume that breaks the bounds never committed.
        Write([.. Before(), .. TwoEntryReturn()], commit: 9, snapshotAt: 7);
        r = Replay();
        Assert.Equal(9UL, r.AppliedIndex);
        Assert.Equal(10UL, r.LastIndex);
        Assert.Empty(r.Violations);
    }

    [Fact]
    public void TwoReplaysOfOneHistoryEndInTheSameStateDigest()
    {
        Write([.. Before(), .. OneEntryReturn()], commit: 9);
        var first = Replay();
        Write([.. Before(), .. OneEntryReturn()], commit: 9, snapshotAt: 5);
        Assert.Equal(first.StateDigest, Replay().StateDigest);
    }

    public void Dispose() => _dir.Dispose();
}
