namespace MiniMesos.Core.Raft;

internal sealed partial class RaftNode
{
    // Linearizable reads use ReadIndex (Raft dissertation §6.4), not a leader lease. A lease lets the leader answer
    // alone while it believes no one else can be elected, which is only safe if clocks on different machines advance
    // at a bounded relative rate; a stalled VM, a paused process or a jumping clock on a Raspberry Pi without RTC breaks
    // that silently. ReadIndex costs one heartbeat round but depends only on messages: the leader records its commit
    // index, confirms with a quorum that it is still the leader, and serves the read once that index is applied.

    private readonly List<PendingRead> _pendingReads = [];
    private readonly List<ulong> _readsAwaitingCommit = [];
    private List<ReadState> _readStates = [];

    /// <summary>Last heartbeat round number sent; followers echo it back as their acknowledgement.</summary>
    private ulong _readRound;

    /// <summary>Reads were registered since the last round: start a new round at the next <see cref="GetReady"/> (batching).</summary>
    private bool _readRoundPending;

    /// <summary>
    /// Ask for a linearizable read. On the leader the read comes back as a <see cref="ReadState"/> in a later
    /// <see cref="Ready"/>; if leadership is lost first it never comes back and the caller must time out and retry.
    /// </summary>
    public ProposeResult RequestRead(ulong requestId)
    {
        if (Role != RaftRole.Leader)
        {
            return new ProposeResult(ProposeStatus.NotLeader, 0, 0, Leader);
        }
        if (_breaks.UnsafeReads)
        {
            _readStates.Add(new ReadState(requestId, _log.Committed));
            return new ProposeResult(ProposeStatus.Accepted, _log.Committed, Term, Id);
        }
        if (!_committedInTerm)
        {
            // Our commit index may lag what the previous leader committed until our own first entry commits (§8).
            _readsAwaitingCommit.Add(requestId);
        }
        else
        {
            RegisterRead(requestId);
        }
        return new ProposeResult(ProposeStatus.Accepted, _log.Committed, Term, Id);
    }

    private void RegisterRead(ulong requestId)
    {
        if (_config.Voters.Count == 1 && _config.Contains(Id))
        {
            _readStates.Add(new ReadState(requestId, _log.Committed));
            return;
        }
        _pendingReads.Add(new PendingRead(requestId, _log.Committed, _readRound + 1));
        _readRoundPending = true;
    }

    private void OnFirstCommitInTerm()
    {
        foreach (var id in _readsAwaitingCommit)
        {
            RegisterRead(id);
        }
        _readsAwaitingCommit.Clear();
    }

    private void HandleReadAck(RaftMessage m, Progress pr)
    {
        if (m.Context > pr.ReadAck)
        {
            pr.ReadAck = m.Context;
        }
        // Rounds only grow, so reads are released in order, as a prefix.
        var released = 0;
        foreach (var read in _pendingReads)
        {
            if (!RoundConfirmed(read.Round))
            {
                break;
            }
            _readStates.Add(new ReadState(read.RequestId, read.Index));
            released++;
        }
        _pendingReads.RemoveRange(0, released);
    }

    private bool RoundConfirmed(ulong round)
    {
        var acks = _config.Contains(Id) ? 1 : 0;
        foreach (var (peer, pr) in _progress)
        {
            if (pr.ReadAck >= round && _config.Contains(peer))
            {
                acks++;
            }
        }
        return acks >= _config.Quorum;
    }

    private readonly record struct PendingRead(ulong RequestId, ulong Index, ulong Round);
}
