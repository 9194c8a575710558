namespace MiniMesos.Core.Raft;

internal sealed partial class RaftNode
{
    private ulong _leadTransferee;

    /// <summary>The peer leadership is being handed to, 0 if none.</summary>
    public ulong LeadTransferee => _leadTransferee;

    /// <summary>
    /// Add or remove one voter (§6, single-server changes). The new configuration takes effect as soon as it is
    /// appended, on every node. Refused while a previous change is uncommitted, and until this leader has committed
    /// an entry of its term (the fix to the single-server algorithm from the dissertation errata).
    /// </summary>
    public ProposeResult ProposeConfigChange(ConfigChange change)
    {
        if (Role != RaftRole.Leader)
        {
            return new ProposeResult(ProposeStatus.NotLeader, 0, 0, Leader);
        }
        if (_configIndex > _log.Committed || !_committedInTerm)
        {
            return new ProposeResult(ProposeStatus.Dropped, 0, 0, Id);
        }
        var next = _config.With(change);
        if (next.Equals(_config) || next.Voters.Count == 0)
        {
            return new ProposeResult(ProposeStatus.Dropped, 0, 0, Id);
        }
        return ProposeEntry(EntryType.Config, next.Encode());
    }

    /// <summary>
    /// Hand leadership to target (dissertation §3.10): stop taking proposals, bring target up to date, then send it
    /// TimeoutNow so it campaigns at once. Abandoned after one election timeout.
    /// </summary>
    public void TransferLeadership(ulong target)
    {
        if (Role != RaftRole.Leader || target == Id || !_progress.TryGetValue(target, out var pr) || !_config.Contains(target))
        {
            return;
        }
        _leadTransferee = target;
        _electionElapsed = 0;
        if (pr.Match == _log.LastIndex)
        {
            Send(new RaftMessage(MessageKind.TimeoutNow, Id, target, Term));
        }
        else
        {
            SendAppend(target, sendIfEmpty: true);
        }
    }
}
