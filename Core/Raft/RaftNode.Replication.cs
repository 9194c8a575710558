namespace MiniMesos.Core.Raft;

internal sealed partial class RaftNode
{
    /// <summary>New entries were appended: send them at the next <see cref="GetReady"/>, so proposals made in between share appends (batching).</summary>
    private bool _broadcastPending;

    /// <summary>The commit index moved: followers hear about it at the next <see cref="GetReady"/>, even without new entries.</summary>
    private bool _commitBroadcastPending;

    /// <summary>An entry of the current term is committed (§5.4.2); until then ReadIndex and config changes wait.</summary>
    private bool _committedInTerm;

    /// <summary>Propose one command. Only a leader accepts; others say who they think leads.</summary>
    public ProposeResult Propose(byte[] command) => ProposeEntry(EntryType.Normal, command);

    /// <summary>Propose several commands; they go out in as few appends as the batch limit allows.</summary>
    public IReadOnlyList<ProposeResult> Propose(IReadOnlyList<byte[]> commands) => commands.Select(Propose).ToList();

    private ProposeResult ProposeEntry(EntryType type, byte[] data)
    {
        if (Role != RaftRole.Leader)
        {
            return new ProposeResult(ProposeStatus.NotLeader, 0, 0, Leader);
        }
        if (_leadTransferee != 0)
        {
            return new ProposeResult(ProposeStatus.Dropped, 0, 0, Leader);
        }
        var entry = AppendEntry(type, data);
        _broadcastPending = true;
        return new ProposeResult(ProposeStatus.Accepted, entry.Index, entry.Term, Id);
    }

    private LogEntry AppendEntry(EntryType type, byte[] data)
    {
        var entry = new LogEntry(_log.LastIndex + 1, Term, type, data);
        _log.Append(entry);
        if (type == EntryType.Config)
        {
            RefreshConfig();
        }
        MaybeCommit(); // a single voter commits on its own
        return entry;
    }

    private void TickLeader()
    {
        _heartbeatElapsed++;
        if (_electionElapsed >= _options.ElectionTicks)
        {
            _electionElapsed = 0;
            if (_options.CheckQuorum && !CheckQuorumActive())
            {
                // We cannot reach a majority: stop accepting work that could never commit, let others elect.
                BecomeFollower(Term, 0);
                return;
            }
            if (_leadTransferee != 0)
            {
                _leadTransferee = 0; // the transfer did not finish within an election timeout: resume normal service
            }
        }
        if (_heartbeatElapsed >= _options.HeartbeatTicks)
        {
            _heartbeatElapsed = 0;
            BroadcastHeartbeat();
        }
    }

    private bool CheckQuorumActive()
    {
        var active = _config.Contains(Id) ? 1 : 0;
        foreach (var (peer, pr) in _progress)
        {
            if (pr.RecentActive && _config.Contains(peer))
            {
                active++;
            }
            pr.RecentActive = false;
        }
        return active >= _config.Quorum;
    }

    private void BroadcastHeartbeat()
    {
        foreach (var (peer, pr) in _progress)
        {
            Send(new RaftMessage(MessageKind.Heartbeat, Id, peer, Term)
            {
                // Never claim more than the follower is known to hold: it may not have the entries yet.
                Commit = Math.Min(pr.Match, _log.Committed),
                Context = _readRound,
            });
        }
    }

    /// <summary>Send what batched proposals and read rounds have accumulated.</summary>
    private void FlushLeaderSends()
    {
        if (Role != RaftRole.Leader)
        {
            _broadcastPending = false;
            _commitBroadcastPending = false;
            _readRoundPending = false;
            return;
        }
        if (_broadcastPending || _commitBroadcastPending)
        {
            var sendIfEmpty = _commitBroadcastPending;
            _broadcastPending = false;
            _commitBroadcastPending = false;
            foreach (var peer in _progress.Keys)
            {
                var more = SendAppend(peer, sendIfEmpty);
                while (more && SendAppend(peer, sendIfEmpty: false))
                {
                }
            }
        }
        if (_readRoundPending)
        {
            _readRoundPending = false;
            _readRound++;
            BroadcastHeartbeat();
        }
    }

    /// <summary>Send the next append (or snapshot) to peer if flow control allows. True if more could follow (pipelining).</summary>
    private bool SendAppend(ulong peer, bool sendIfEmpty)
    {
        var pr = _progress[peer];
        if (pr.IsPaused(_options.MaxInflightAppends))
        {
            return false;
        }
        var prevIndex = pr.Next - 1;
        var prevTerm = _log.Term(prevIndex);
        if (prevTerm is null)
        {
            SendSnapshot(peer, pr);
            return false;
        }
        var entries = _log.Slice(pr.Next, _log.LastIndex, _options.MaxEntriesPerAppend);
        if (entries.Count == 0 && !sendIfEmpty)
        {
            return false;
        }
        Send(new RaftMessage(MessageKind.Append, Id, peer, Term)
        {
            Index = prevIndex,
            LogTerm = prevTerm.Value,
            Entries = entries,
            Commit = _log.Committed,
        });
        pr.SentEntries(entries.Count > 0 ? entries[^1].Index : prevIndex);
        return entries.Count > 0 && pr.State == ProgressState.Replicate;
    }

    private void StepLeader(RaftMessage m)
    {
        if (!_progress.TryGetValue(m.From, out var pr))
        {
            return; // not (or no longer) in the configuration
        }
        switch (m.Kind)
        {
            case MessageKind.AppendResponse:
                pr.RecentActive = true;
                HandleAppendResponse(m, pr);
                break;
            case MessageKind.HeartbeatResponse:
                pr.RecentActive = true;
                pr.ProbeSent = false;
                if (pr.State == ProgressState.Snapshot && _ticks - pr.SnapshotSentAtTick >= _options.ElectionTicks)
                {
                    pr.BecomeProbe(); // the snapshot was probably lost: find out again
                }
                else if (pr.State == ProgressState.Replicate && pr.IsPaused(_options.MaxInflightAppends))
                {
                    // The follower is alive but none of our in-flight appends was acknowledged: they were probably
                    // lost. Without this the pipeline would stay full forever. Resume from the last known match.
                    pr.BecomeProbe();
                }
                if (pr.Match < _log.LastIndex)
                {
                    SendAppend(m.From, sendIfEmpty: true);
                }
                HandleReadAck(m, pr);
                break;
        }
    }

    private void HandleAppendResponse(RaftMessage m, Progress pr)
    {
        if (m.Reject)
        {
            var hint = _log.FindConflictByTerm(m.RejectHint, m.LogTerm);
            if (pr.TryDecreaseTo(m.Index, hint))
            {
                if (pr.State == ProgressState.Replicate)
                {
                    pr.BecomeProbe(); // back to one append at a time from the last acknowledged match
                }
                SendAppend(m.From, sendIfEmpty: true);
            }
            return;
        }
        var wasPaused = pr.IsPaused(_options.MaxInflightAppends);
        if (!pr.TryUpdate(m.Index))
        {
            if (wasPaused && !pr.IsPaused(_options.MaxInflightAppends))
            {
                while (SendAppend(m.From, sendIfEmpty: false))
                {
                }
            }
            return;
        }
        switch (pr.State)
        {
            case ProgressState.Probe:
                pr.BecomeReplicate();
                break;
            case ProgressState.Snapshot when pr.Match >= pr.PendingSnapshot:
                pr.BecomeProbe();
                pr.BecomeReplicate();
                break;
        }
        if (MaybeCommit())
        {
            if (Role != RaftRole.Leader)
            {
                return; // we committed our own removal
            }
            _commitBroadcastPending = true; // tell everyone the new commit index
        }
        while (SendAppend(m.From, sendIfEmpty: false))
        {
        }
        if (m.From == _leadTransferee && pr.Match == _log.LastIndex)
        {
            Send(new RaftMessage(MessageKind.TimeoutNow, Id, m.From, Term));
        }
    }

    /// <summary>
    /// Commit the highest index a quorum holds, but only if it is from our term (§5.4.2, Figure 8): counting replicas
    /// of an older-term entry is not enough, because a newer leader could still overwrite it.
    /// </summary>
    private bool MaybeCommit()
    {
        var matches = new List<ulong>(_config.Voters.Count);
        foreach (var voter in _config.Voters)
        {
            matches.Add(voter == Id ? _log.LastIndex : _progress.TryGetValue(voter, out var pr) ? pr.Match : 0);
        }
        if (matches.Count == 0)
        {
            return false;
        }
        matches.Sort();
        var quorumIndex = matches[matches.Count - _config.Quorum];
        if (quorumIndex <= _log.Committed || (_log.Term(quorumIndex) != Term && !_breaks.CommitByCountingOldTerms))
        {
            return false;
        }
        _log.CommitTo(quorumIndex);
        if (!_committedInTerm)
        {
            _committedInTerm = true;
            OnFirstCommitInTerm();
        }
        PruneRemovedPeers();
        if (!_config.Contains(Id) && _log.Committed >= _configIndex)
        {
            // §6: a leader removed from the configuration steps down once that configuration is committed.
            BecomeFollower(Term, 0);
        }
        return true;
    }

    private void HandleAppend(RaftMessage m)
    {
        if (m.Index < _log.Committed)
        {
            // Everything up to our commit index already matches any leader's log.
            Send(new RaftMessage(MessageKind.AppendResponse, Id, m.From, Term) { Index = _log.Committed });
            return;
        }
        if (_log.TryAppend(m.Index, m.LogTerm, m.Commit, m.Entries) is { } lastNew)
        {
            if (m.Entries.Count > 0)
            {
                RefreshConfig();
            }
            Send(new RaftMessage(MessageKind.AppendResponse, Id, m.From, Term) { Index = lastNew });
            return;
        }
        var hint = _log.FindConflictByTerm(Math.Min(m.Index, _log.LastIndex), m.LogTerm);
        Send(new RaftMessage(MessageKind.AppendResponse, Id, m.From, Term)
        {
            Reject = true,
            Index = m.Index,
            RejectHint = hint,
            LogTerm = _log.Term(hint) ?? 0,
        });
    }

    private void HandleHeartbeat(RaftMessage m)
    {
        _log.CommitTo(Math.Min(m.Commit, _log.LastIndex));
        Send(new RaftMessage(MessageKind.HeartbeatResponse, Id, m.From, Term) { Context = m.Context });
    }
}
