using MiniMesos.Core.Raft;
using MiniMesos.Net.Storage;
using MiniMesos.Tests.EndToEnd;
using MiniMesos.Tests.Protocol;
using Xunit;

namespace MiniMesos.Tests.Storage;

/// <summary>
/// A data dir of the oldest format still supported (docs/protocol.md "Record codecs"): a real SQLite store (store format
/// 1, the only one there has been) whose snapshot is in state snapshot format 1, followed by committed entries in every
/// command layout ever written, the oldest ones included (the golden vectors, Fixtures/codec-golden.txt). It must open
/// and replay, through the product's own replay (`minimesos debug check-history`), to the state the release before the
/// per-record codecs reached: same digest.
/// </summary>
public sealed class OldestDataDirTests : IDisposable
{
    private static readonly StoreIdentity Node = new("test", 7);
    private const ulong SnapshotIndex = 5;
    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Every command vector but ReplaceState (which would throw the rest away) after the format-1 snapshot.</summary>
    private static List<byte[]> Entries() =>
        CodecSamples.Commands.Where(c => c.Name != "ReplaceState").Select(c => CodecGoldenTests.Vector("command." + c.Name)).ToList();

    private ulong Write()
    {
        File.WriteAllText(Path.Combine(_dir.Path, "node-id"), "7\n");
        using var store = SqliteRaftStore.Open(_dir.Path, Node);
        var config = new ClusterConfig([7]);
        var entries = new List<LogEntry>();
        for (ulong i = 1; i <= SnapshotIndex; i++) entries.Add(new LogEntry(i, 1, EntryType.Config, config.Encode()));
        entries.AddRange(Entries().Select((data, i) => new LogEntry(SnapshotIndex + 1 + (ulong)i, 1, EntryType.Normal, data)));
        store.Append(entries);
        var commit = entries[^1].Index;
        store.Save(new HardState(1, 7, commit));
        store.Save(new Snapshot(new SnapshotMetadata(SnapshotIndex, 1, config), CodecGoldenTests.Vector("read.snapshot.format1")));
        store.DeleteThrough(SnapshotIndex);
        return commit;
    }

    [Fact]
    public void TheOldestFormatsReplayToTheSameState()
    {
        var commit = Write();
        using var store = SqliteRaftStore.Open(_dir.Path, Node);
        var result = HistoryReplay.Run(store);
        Assert.Empty(result.Violations);
        Assert.Equal((SnapshotIndex, commit), (result.SnapshotIndex, result.AppliedIndex));
        var released = Convert.ToHexStringLower(CodecGoldenTests.Vector("read.oldestDataDir.digest"));
        Assert.True(released == result.StateDigest, $"replayed to state digest {result.StateDigest}, the release before the per-record codecs to {released}");
    }

    [Fact]
    public async Task TheBinaryOpensAndReplaysIt()
    {
        var commit = Write();
        var (exit, stdout, stderr) = await CliProcess.RunAsync(["debug", "check-history", "--data-dir", _dir.Path, "--cluster", "test"]);
        Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains($"applied through entry {commit} (commit index {commit}", stdout);
        Assert.Contains(Convert.ToHexStringLower(CodecGoldenTests.Vector("read.oldestDataDir.digest")), stdout);
    }
}
