namespace MiniMesos.Core.Raft;

internal sealed partial class RaftNode
{
    /// <summary>
    /// The application has applied through index and serialized its state: record a snapshot there and drop the log
    /// prefix (§7) but its last <see cref="RaftOptions.KeepBelowSnapshot"/> entries. The snapshot comes back in the next
    /// <see cref="Ready"/> to persist, with <see cref="Ready.CompactThrough"/> saying how much of the stored log goes.
    /// </summary>
    public void Compact(ulong index, byte[] stateMachineData)
    {
        if (index <= _log.SnapshotIndex)
        {
            return;
        }
        if (index > _log.Applied)
        {
            throw new InvalidOperationException($"cannot snapshot at {index}: only {_log.Applied} is applied");
        }
        var config = _log.ConfigAt(index, out _) ?? ClusterConfig.None;
        var snapshot = new Snapshot(new SnapshotMetadata(index, _log.Term(index)!.Value, config), stateMachineData);
        _log.Compact(snapshot, _options.KeepBelowSnapshot);
        if (_snapshotToPersist is null || !_snapshotFromLeader)
        {
            _snapshotToPersist = snapshot;
        }
    }

    private void SendSnapshot(ulong peer, Progress pr)
    {
        if (_log.Snapshot is not { } snapshot)
        {
            throw new InvalidOperationException("log has a compacted prefix but no snapshot");
        }
        Send(new RaftMessage(MessageKind.InstallSnapshot, Id, peer, Term) { Snapshot = snapshot });
        pr.BecomeSnapshot(snapshot.Metadata.Index, _ticks);
    }

    private void HandleSnapshot(RaftMessage m)
    {
        var snapshot = m.Snapshot ?? throw new ArgumentException("InstallSnapshot without a snapshot", nameof(m));
        var meta = snapshot.Metadata;
        if (meta.Index > _log.Committed)
        {
            if (_log.MatchTerm(meta.Index, meta.Term))
            {
                // We already hold that entry, so the prefix matches (log matching): just move commit forward.
                _log.CommitTo(meta.Index);
            }
            else
            {
                _log.Restore(snapshot);
                _snapshotToPersist = snapshot;
                _snapshotFromLeader = true;
                RefreshConfig();
            }
        }
        Send(new RaftMessage(MessageKind.AppendResponse, Id, m.From, Term) { Index = _log.Committed });
    }
}
