namespace MiniMesos.Core.Raft;

/// <summary>
/// One flat record for every message kind (etcd style) so a MessagePack codec is a fixed list of fields.
/// Field meaning by kind:
/// <list type="bullet">
/// <item>(Pre)Vote: Index/LogTerm = candidate's last log index/term; Transfer = campaign ordered by TimeoutNow.</item>
/// <item>Append: Index/LogTerm = the entry preceding Entries; Commit = leader commit.</item>
/// <item>AppendResponse: Index = highest index known to match (accept) or the rejected Index (reject);
///   RejectHint/LogTerm = follower's guess of where logs may agree (fast backtracking).</item>
/// <item>Heartbeat(Response): Commit = min(match, commit); Context = ReadIndex round being confirmed.</item>
/// <item>InstallSnapshot: Snapshot.</item>
/// </list>
/// </summary>
internal sealed record RaftMessage(MessageKind Kind, ulong From, ulong To, ulong Term)
{
    public ulong Index { get; init; }
    public ulong LogTerm { get; init; }
    public ulong Commit { get; init; }
    public IReadOnlyList<LogEntry> Entries { get; init; } = [];
    public bool Reject { get; init; }
    public ulong RejectHint { get; init; }
    public ulong Context { get; init; }
    public bool Transfer { get; init; }
    public Snapshot? Snapshot { get; init; }

    public override string ToString()
    {
        var s = $"{From}->{To} {Kind} t{Term}";
        s += Kind switch
        {
            MessageKind.PreVote or MessageKind.Vote => $" last={Index}/t{LogTerm}{(Transfer ? " transfer" : "")}",
            MessageKind.PreVoteResponse or MessageKind.VoteResponse => Reject ? " rejected" : " granted",
            MessageKind.Append => $" prev={Index}/t{LogTerm} commit={Commit} entries=[{string.Join(",", Entries.Select(e => $"{e.Index}/t{e.Term}"))}]",
            MessageKind.AppendResponse => Reject ? $" reject {Index} hint={RejectHint}/t{LogTerm}" : $" ok {Index}",
            MessageKind.Heartbeat => $" commit={Commit} ctx={Context}",
            MessageKind.HeartbeatResponse => $" ctx={Context}",
            MessageKind.InstallSnapshot => $" snap={Snapshot?.Metadata.Index}/t{Snapshot?.Metadata.Term}",
            _ => "",
        };
        return s;
    }
}
