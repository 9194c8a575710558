namespace MiniMesos.Core.Raft;

internal sealed partial class RaftNode
{
    private readonly Dictionary<ulong, bool> _votes = [];

    /// <summary>Start an election (§5.2), first as a pre-candidate when PreVote is on (§9.6) unless ordered by TimeoutNow.</summary>
    /// <summary>
    /// Start an election now instead of after a timeout. Used once, by the founding member with the lowest id
    /// right after a bootstrap: the others still wait out their randomized timeouts, so votes do not split.
    /// </summary>
    public void CampaignNow()
    {
        if (Role != RaftRole.Leader && Promotable)
        {
            _electionElapsed = 0;
            Campaign(preVote: _options.PreVote, transfer: false);
        }
    }

    private void Campaign(bool preVote, bool transfer)
    {
        MessageKind kind;
        ulong term;
        if (preVote)
        {
            Reset(Term);
            Role = RaftRole.PreCandidate;
            kind = MessageKind.PreVote;
            term = Term + 1;
        }
        else
        {
            Reset(Term + 1);
            Role = RaftRole.Candidate;
            VotedFor = Id;
            kind = MessageKind.Vote;
            term = Term;
        }
        _votes[Id] = true;
        if (TallyVotes())
        {
            return;
        }
        foreach (var voter in _config.Voters)
        {
            if (voter != Id)
            {
                Send(new RaftMessage(kind, Id, voter, term) { Index = _log.LastIndex, LogTerm = _log.LastTerm, Transfer = transfer });
            }
        }
    }

    /// <summary>Count votes; on a quorum move on (pre-candidate to candidate, candidate to leader). True if the role changed.</summary>
    private bool TallyVotes()
    {
        int granted = 0, rejected = 0;
        foreach (var voter in _config.Voters)
        {
            if (_votes.TryGetValue(voter, out var v))
            {
                if (v)
                {
                    granted++;
                }
                else
                {
                    rejected++;
                }
            }
        }
        if (granted >= _config.Quorum)
        {
            if (Role == RaftRole.PreCandidate)
            {
                Campaign(preVote: false, transfer: false);
            }
            else
            {
                BecomeLeader();
            }
            return true;
        }
        if (rejected >= _config.Quorum)
        {
            BecomeFollower(Term, 0);
            return true;
        }
        return false;
    }

    private void HandleVoteRequest(RaftMessage m)
    {
        var isPre = m.Kind == MessageKind.PreVote;
        var canVote = VotedFor == m.From
            || (VotedFor == 0 && Leader == 0)
            || (isPre && m.Term > Term);
        var upToDate = _breaks.SkipElectionRestriction || _log.IsUpToDate(m.Index, m.LogTerm);
        var responseKind = isPre ? MessageKind.PreVoteResponse : MessageKind.VoteResponse;
        if (canVote && upToDate)
        {
            // Answer a granted pre-vote in the asked-for term so the pre-candidate can count it.
            Send(new RaftMessage(responseKind, Id, m.From, m.Term));
            if (!isPre)
            {
                _electionElapsed = 0;
                VotedFor = m.From;
            }
        }
        else
        {
            Send(new RaftMessage(responseKind, Id, m.From, Term) { Reject = true });
        }
    }

    private void HandleVoteResponse(RaftMessage m)
    {
        // A granted pre-vote carries Term+1; a rejection carries our term (a higher one already made us follow).
        var expectedTerm = Role == RaftRole.PreCandidate && !m.Reject ? Term + 1 : Term;
        if (m.Term != expectedTerm)
        {
            return;
        }
        _votes.TryAdd(m.From, !m.Reject);
        TallyVotes();
    }

    private void BecomeLeader()
    {
        if (Role == RaftRole.Follower)
        {
            throw new InvalidOperationException("follower cannot become leader directly");
        }
        Reset(Term);
        Role = RaftRole.Leader;
        Leader = Id;
        _committedInTerm = false;
        foreach (var voter in _config.Voters)
        {
            if (voter != Id)
            {
                _progress[voter] = new Progress(_log.LastIndex + 1) { RecentActive = true };
            }
        }
        // §8: an empty entry of our term lets us commit (and learn the commit index of) everything before it.
        AppendEntry(EntryType.Normal, LogEntry.Empty);
        _broadcastPending = true;
    }
}
