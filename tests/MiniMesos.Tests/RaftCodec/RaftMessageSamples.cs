using MiniMesos.Core.Raft;

namespace MiniMesos.Tests.RaftCodec;

/// <summary>Messages of every kind (as the Raft node fills them in) and a by-value description to compare them.</summary>
internal static class RaftMessageSamples
{
    public static IEnumerable<RaftMessage> All()
    {
        yield return new RaftMessage(MessageKind.PreVote, 1, 2, 5) { Index = 10, LogTerm = 4 };
        yield return new RaftMessage(MessageKind.PreVoteResponse, 2, 1, 5) { Reject = true };
        yield return new RaftMessage(MessageKind.Vote, 1, 3, 6) { Index = 10, LogTerm = 4, Transfer = true };
        yield return new RaftMessage(MessageKind.VoteResponse, 3, 1, 6);
        yield return new RaftMessage(MessageKind.Append, 1, 2, 6)
        {
            Index = 10,
            LogTerm = 4,
            Commit = 9,
            Entries =
            [
                new LogEntry(11, 6, EntryType.Normal, LogEntry.Empty),
                new LogEntry(12, 6, EntryType.Config, new ClusterConfig([1, 2, 3, 4]).Encode()),
                new LogEntry(13, 6, EntryType.Normal, [1, 2, 3, 255]),
            ],
        };
        yield return new RaftMessage(MessageKind.Append, 1, 2, 6) { Index = 13, LogTerm = 6, Commit = 13 };
        yield return new RaftMessage(MessageKind.AppendResponse, 2, 1, 6) { Index = 13 };
        yield return new RaftMessage(MessageKind.AppendResponse, 2, 1, 6) { Index = 13, Reject = true, RejectHint = 8, LogTerm = 3 };
        yield return new RaftMessage(MessageKind.Heartbeat, 1, 2, 6) { Commit = 13, Context = 77 };
        yield return new RaftMessage(MessageKind.HeartbeatResponse, 2, 1, 6) { Context = 77 };
        yield return new RaftMessage(MessageKind.InstallSnapshot, 1, 2, 7)
        {
            Snapshot = new Snapshot(new SnapshotMetadata(100, 6, new ClusterConfig([1, 2, 3])), [9, 8, 7, 6]),
        };
        yield return new RaftMessage(MessageKind.InstallSnapshot, 1, 2, 7)
        {
            Snapshot = new Snapshot(new SnapshotMetadata(ulong.MaxValue, ulong.MaxValue, ClusterConfig.None), []),
        };
        yield return new RaftMessage(MessageKind.TimeoutNow, 1, 3, 7);
        yield return new RaftMessage(MessageKind.Heartbeat, ulong.MaxValue, ulong.MaxValue - 1, ulong.MaxValue) { Commit = ulong.MaxValue, Context = ulong.MaxValue };
    }

    /// <summary>Every field, byte arrays as hex: records compare arrays by reference.</summary>
    public static string Describe(RaftMessage m) =>
        $"{m.Kind} {m.From}->{m.To} t{m.Term} i{m.Index} lt{m.LogTerm} c{m.Commit} r{m.Reject} h{m.RejectHint} x{m.Context} tr{m.Transfer} " +
        $"e[{string.Join(",", m.Entries.Select(e => $"{e.Index}/{e.Term}/{e.Type}/{Convert.ToHexString(e.Data)}"))}] " +
        (m.Snapshot is { } s ? $"s{s.Metadata.Index}/{s.Metadata.Term}/{s.Metadata.Config}/{Convert.ToHexString(s.Data)}" : "s-");
}
