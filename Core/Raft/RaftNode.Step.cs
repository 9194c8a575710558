namespace MiniMesos.Core.Raft;

internal sealed partial class RaftNode
{
    /// <summary>Feed one received message. Messages for other nodes are a caller bug.</summary>
    public void Step(RaftMessage m)
    {
        if (m.To != Id)
        {
            throw new ArgumentException($"message for {m.To} stepped into node {Id}", nameof(m));
        }
        if (m.Term > Term)
        {
            if (m.Kind is MessageKind.Vote or MessageKind.PreVote && !m.Transfer && InLease())
            {
                // We heard from a live leader within the minimum election timeout: this candidate is probably a
                // partitioned node rejoining, and must not depose a leader that still reaches a quorum.
                return;
            }
            if (m.Kind == MessageKind.PreVote || (m.Kind == MessageKind.PreVoteResponse && !m.Reject))
            {
                // A pre-vote asks about a future term; neither asking nor granting changes our term.
            }
            else
            {
                var leader = m.Kind is MessageKind.Append or MessageKind.Heartbeat or MessageKind.InstallSnapshot ? m.From : 0;
                BecomeFollower(m.Term, leader);
            }
        }
        else if (m.Term < Term)
        {
            if (m.Kind is MessageKind.Append or MessageKind.Heartbeat && (_options.CheckQuorum || _options.PreVote))
            {
                // A stale leader (e.g. healed from a partition) would otherwise keep resending; our higher term in the
                // answer makes it step down. Without this, PreVote could leave it stuck forever.
                Send(new RaftMessage(MessageKind.AppendResponse, Id, m.From, Term));
            }
            else if (m.Kind == MessageKind.PreVote)
            {
                Send(new RaftMessage(MessageKind.PreVoteResponse, Id, m.From, Term) { Reject = true });
            }
            return;
        }

        switch (m.Kind)
        {
            case MessageKind.PreVote:
            case MessageKind.Vote:
                HandleVoteRequest(m);
                return;
        }

        switch (Role)
        {
            case RaftRole.Leader:
                StepLeader(m);
                break;
            case RaftRole.PreCandidate:
            case RaftRole.Candidate:
                StepCandidate(m);
                break;
            default:
                StepFollower(m);
                break;
        }
    }

    private bool InLease() => _options.CheckQuorum && Leader != 0 && _electionElapsed < _options.ElectionTicks;

    private void StepFollower(RaftMessage m)
    {
        switch (m.Kind)
        {
            case MessageKind.Append:
                _electionElapsed = 0;
                Leader = m.From;
                HandleAppend(m);
                break;
            case MessageKind.Heartbeat:
                _electionElapsed = 0;
                Leader = m.From;
                HandleHeartbeat(m);
                break;
            case MessageKind.InstallSnapshot:
                _electionElapsed = 0;
                Leader = m.From;
                HandleSnapshot(m);
                break;
            case MessageKind.TimeoutNow:
                // §3.10 leadership transfer: the leader says our log is current; start a real election at once.
                if (Promotable)
                {
                    Campaign(preVote: false, transfer: true);
                }
                break;
        }
    }

    private void StepCandidate(RaftMessage m)
    {
        var expected = Role == RaftRole.PreCandidate ? MessageKind.PreVoteResponse : MessageKind.VoteResponse;
        switch (m.Kind)
        {
            case MessageKind.Append:
                BecomeFollower(m.Term, m.From);
                HandleAppend(m);
                break;
            case MessageKind.Heartbeat:
                BecomeFollower(m.Term, m.From);
                HandleHeartbeat(m);
                break;
            case MessageKind.InstallSnapshot:
                BecomeFollower(m.Term, m.From);
                HandleSnapshot(m);
                break;
            default:
                if (m.Kind == expected)
                {
                    HandleVoteResponse(m);
                }
                break;
        }
    }
}
