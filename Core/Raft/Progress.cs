namespace MiniMesos.Core.Raft;

/// <summary>The leader's view of one follower's log (nextIndex/matchIndex of Figure 2, plus flow control).</summary>
internal sealed class Progress(ulong next)
{
    private readonly Queue<ulong> _inflight = new();

    public ulong Match { get; private set; }

    public ulong Next { get; private set; } = next;

    public ProgressState State { get; private set; } = ProgressState.Probe;

    /// <summary>In Probe: an append is outstanding, wait for its answer (or a heartbeat answer) before sending another.</summary>
    public bool ProbeSent { get; set; }

    public ulong PendingSnapshot { get; private set; }

    public long SnapshotSentAtTick { get; private set; }

    /// <summary>Heard from since the last CheckQuorum round.</summary>
    public bool RecentActive { get; set; }

    /// <summary>Highest ReadIndex round this follower acknowledged in the current term.</summary>
    public ulong ReadAck { get; set; }

    public int InflightCount => _inflight.Count;

    public bool IsPaused(int maxInflight) => State switch
    {
        ProgressState.Probe => ProbeSent,
        ProgressState.Replicate => _inflight.Count >= maxInflight,
        _ => true,
    };

    /// <summary>An acknowledgement up to index; false if it tells nothing new (duplicate or reordered).</summary>
    public bool TryUpdate(ulong index)
    {
        var updated = false;
        if (index > Match)
        {
            Match = index;
            ProbeSent = false;
            updated = true;
        }
        Next = Math.Max(Next, index + 1);
        while (_inflight.Count > 0 && _inflight.Peek() <= index)
        {
            _inflight.Dequeue();
        }
        return updated;
    }

    /// <summary>Record an optimistic send in Replicate state.</summary>
    public void SentEntries(ulong lastIndex)
    {
        if (State == ProgressState.Replicate)
        {
            Next = lastIndex + 1;
            _inflight.Enqueue(lastIndex);
        }
        else
        {
            ProbeSent = true;
        }
    }

    /// <summary>
    /// A rejection of the append whose previous index was rejected. Ignored when stale. Moves Next back to just
    /// after where the logs may agree (hint), never below Match + 1, and always strictly back so probing ends.
    /// </summary>
    public bool TryDecreaseTo(ulong rejected, ulong hint)
    {
        if (State == ProgressState.Replicate)
        {
            if (rejected <= Match)
            {
                return false;
            }
        }
        else if (rejected != Next - 1)
        {
            return false;
        }
        Next = Math.Max(Math.Min(rejected, hint + 1), Match + 1);
        ProbeSent = false;
        return true;
    }

    public void BecomeProbe()
    {
        var from = State == ProgressState.Snapshot ? Math.Max(Match, PendingSnapshot) : Match;
        State = ProgressState.Probe;
        PendingSnapshot = 0;
        ProbeSent = false;
        Next = from + 1;
        _inflight.Clear();
    }

    public void BecomeReplicate()
    {
        State = ProgressState.Replicate;
        Next = Match + 1;
        ProbeSent = false;
        _inflight.Clear();
    }

    public void BecomeSnapshot(ulong snapshotIndex, long tick)
    {
        State = ProgressState.Snapshot;
        PendingSnapshot = snapshotIndex;
        SnapshotSentAtTick = tick;
        _inflight.Clear();
    }

    public override string ToString() => $"{State} match={Match} next={Next}";
}
