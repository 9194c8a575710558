using System.Security.Cryptography;
using MiniMesos.Core.Raft;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Storage;

/// <summary>
/// Replays a stopped master's replicated history as the master applied it: its snapshot's state, then every committed
/// log entry after it in index order, decoded with the command codec and applied to the state machine one by one, with
/// <see cref="CommittedStateInvariants"/> checking each committed state (apps within their bounds, constraints kept).
/// Entries past the stored commit index may never have committed and are not replayed. A backup restored through the
/// log (ReplaceState) replaces the state, as it does on the master.
/// </summary>
internal static class HistoryReplay
{
    private const ulong Batch = 2048;

    public static HistoryReplayResult Run(SqliteRaftStore store)
    {
        var problems = new List<string>();
        var snapshot = store.Latest;
        var state = new ClusterState();
        if (snapshot is not null) StateSnapshotCodec.Restore(state, snapshot.Data);
        var check = new CommittedStateInvariants(state);
        var from = (snapshot?.Metadata.Index ?? 0) + 1;
        var commit = store.Load().Commit;
        if (store.FirstIndex > from && store.LastIndex >= store.FirstIndex)
            problems.Add($"the log starts at entry {store.FirstIndex}, after the snapshot's {from - 1}: entries {from}..{store.FirstIndex - 1} are missing");
        var applied = from - 1;
        for (var next = from; next <= commit && problems.Count == 0; next += Batch)
        {
            foreach (var entry in store.Read(next, Math.Min(commit, next + Batch - 1)))
            {
                if (entry.Index != applied + 1)
                {
                    problems.Add($"the log has a gap before entry {entry.Index} (expected {applied + 1})");
                    break;
                }
                applied = entry.Index;
                if (entry.Type != EntryType.Normal || entry.Data.Length == 0) continue;
                ClusterCommand command;
                try
                {
                    command = CommandCodec.Decode(entry.Data);
                }
                catch (ProtocolException e)
                {
                    problems.Add($"entry {entry.Index} cannot be read by this build: {e.Message}");
                    break;
                }
                if (command is ReplaceState replace)
                {
                    StateSnapshotCodec.Restore(check.State, replace.State);
                    check.Replaced();
                }
                else
                {
                    check.Apply(command, $"entry {entry.Index}");
                }
            }
        }
        if (applied < commit && problems.Count == 0) problems.Add($"the log ends at entry {applied}, before the commit index {commit}");
        problems.AddRange(check.Violations);
        return new HistoryReplayResult(snapshot?.Metadata.Index ?? 0, applied, commit, store.LastIndex, check.Steps, check.ExtraWindows,
            check.LongestExtraMs, Convert.ToHexStringLower(SHA256.HashData(StateSnapshotCodec.Encode(check.State))), problems, check.Windows,
            check.OpenWindows.ToList());
    }
}
