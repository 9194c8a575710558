namespace MiniMesos.Core.Raft;

/// <summary>
/// A Raft node as a pure, synchronous, single-threaded state machine (etcd raft shape). Inputs: <see cref="Tick"/>,
/// <see cref="Step"/>, <see cref="Propose(byte[])"/>, <see cref="RequestRead"/>; output: <see cref="GetReady"/>,
/// acknowledged with <see cref="Advance"/>. It never touches sockets, files, clocks or threads, so a whole cluster can
/// be simulated deterministically in one process. Split by concern into partial files.
/// </summary>
internal sealed partial class RaftNode
{
    private readonly RaftOptions _options;
    private readonly RaftRuleBreaks _breaks;
    private readonly IRaftRandom _random;
    private readonly RaftLog _log;
    private readonly Dictionary<ulong, Progress> _progress = [];
    private List<RaftMessage> _messages = [];
    private HardState _persistedHardState;
    private ClusterConfig _config;
    private ulong _configIndex;
    private int _electionElapsed;
    private int _heartbeatElapsed;
    private int _randomizedElectionTimeout;
    private long _ticks;
    private Snapshot? _snapshotToPersist;
    private bool _snapshotFromLeader;

    public RaftNode(RaftOptions options, RaftStorage storage, IRaftRandom random)
        : this(options, storage, random, RaftRuleBreaks.None)
    {
    }

    /// <summary>A node that breaks the rules named in <paramref name="breaks"/>: for the simulation's checker tests only.</summary>
    public RaftNode(RaftOptions options, RaftStorage storage, IRaftRandom random, RaftRuleBreaks breaks)
    {
        if (options.Id == 0)
        {
            throw new ArgumentException("node id 0 is reserved for 'none'", nameof(options));
        }
        _options = options;
        _breaks = breaks;
        _random = random;
        var hard = storage.Stable.Load();
        var snapshot = storage.Snapshots.Latest;
        var stored = storage.Log.LastIndex >= storage.Log.FirstIndex
            ? storage.Log.Read(storage.Log.FirstIndex, storage.Log.LastIndex)
            : [];
        _log = new RaftLog(snapshot, stored, hard.Commit);
        Term = hard.Term;
        VotedFor = hard.VotedFor;
        _persistedHardState = hard;

        var fresh = hard == default && snapshot is null && stored.Count == 0;
        if (fresh && options.InitialVoters.Count > 0)
        {
            // Bootstrap: every founding member writes the same config as entry 1 (term 0) and treats it as committed,
            // so nodes that join later learn the founding voters through ordinary replication.
            var founding = new ClusterConfig(options.InitialVoters);
            _log.Append(new LogEntry(1, 0, EntryType.Config, founding.Encode()));
            _log.CommitTo(1);
        }
        _config = _log.ConfigAt(_log.LastIndex, out _configIndex) ?? ClusterConfig.None;
        BecomeFollower(Term, 0);
    }

    public ulong Id => _options.Id;

    public ulong Term { get; private set; }

    public ulong VotedFor { get; private set; }

    public RaftRole Role { get; private set; }

    /// <summary>The leader this node currently follows (or itself), 0 when unknown.</summary>
    public ulong Leader { get; private set; }

    public ClusterConfig Config => _config;

    public ulong CommitIndex => _log.Committed;

    public ulong AppliedIndex => _log.Applied;

    public ulong LastIndex => _log.LastIndex;

    public ulong SnapshotIndex => _log.SnapshotIndex;

    /// <summary>Term of the entry at index, null if compacted or absent (for checkers and tests).</summary>
    public ulong? TermAt(ulong index) => _log.Term(index);

    /// <summary>The first index still in the log: at most one past the snapshot (a tail below it may be kept, see <see cref="RaftOptions.KeepBelowSnapshot"/>).</summary>
    public ulong FirstIndex => _log.Offset + 1;

    /// <summary>Entry at index if still in the log (not compacted).</summary>
    public LogEntry? EntryAt(ulong index) => index > _log.Offset && index <= _log.LastIndex ? _log.Entry(index) : null;

    public Progress? ProgressOf(ulong peer) => _progress.GetValueOrDefault(peer);

    private bool Promotable => _config.Contains(Id);

    private HardState CurrentHardState => new(Term, VotedFor, _log.Committed);

    /// <summary>Advance logical time by one tick: drives elections, heartbeats and CheckQuorum.</summary>
    public void Tick()
    {
        _ticks++;
        _electionElapsed++;
        if (Role == RaftRole.Leader)
        {
            TickLeader();
        }
        else if (_electionElapsed >= _randomizedElectionTimeout || (Promotable && _config.Voters.Count == 1))
        {
            // (A sole voter has nobody to split votes with: it need not wait out a timeout to lead.)
            _electionElapsed = 0;
            // Silent for a whole timeout: we no longer know a leader. Forgetting it also ends the CheckQuorum lease,
            // which a node that cannot campaign (not a voter in its possibly stale config) would otherwise renew forever.
            Leader = 0;
            if (Promotable)
            {
                Campaign(preVote: _options.PreVote, transfer: false);
            }
        }
    }

    public bool HasReady() =>
        _messages.Count > 0
        || _log.HasUnstableEntries
        || CurrentHardState != _persistedHardState
        || _log.Committed > _log.Applied
        || _readStates.Count > 0
        || _snapshotToPersist is not null
        || _broadcastPending
        || _commitBroadcastPending
        || _readRoundPending;

    /// <summary>Collect the pending work. Process it as <see cref="Ready"/> documents, then call <see cref="Advance"/>.</summary>
    public Ready GetReady()
    {
        FlushLeaderSends();
        var hard = CurrentHardState;
        var ready = new Ready
        {
            HardState = hard != _persistedHardState ? hard : null,
            Entries = _log.UnstableEntries(),
            Snapshot = _snapshotToPersist,
            SnapshotFromLeader = _snapshotFromLeader,
            CompactThrough = _snapshotToPersist is not null && !_snapshotFromLeader ? _log.Offset : null,
            Messages = _messages,
            CommittedEntries = _log.NextCommitted(),
            ReadStates = _readStates,
            Role = Role,
            Leader = Leader,
        };
        _messages = [];
        _readStates = [];
        return ready;
    }

    /// <summary>The caller has persisted, sent and applied everything in ready.</summary>
    public void Advance(Ready ready)
    {
        if (ready.HardState is { } hard)
        {
            _persistedHardState = hard;
        }
        if (ready.Entries.Count > 0)
        {
            _log.StableTo(ready.Entries[^1].Index);
        }
        if (ready.Snapshot is not null && ReferenceEquals(ready.Snapshot, _snapshotToPersist))
        {
            _snapshotToPersist = null;
            _snapshotFromLeader = false;
        }
        if (ready.CommittedEntries.Count > 0)
        {
            _log.AppliedTo(ready.CommittedEntries[^1].Index);
        }
    }

    private void Send(RaftMessage message) => _messages.Add(message);

    private void ResetRandomizedElectionTimeout() =>
        _randomizedElectionTimeout = _options.ElectionTicks + _random.Next(_options.ElectionTicks);

    private void Reset(ulong term)
    {
        if (Term != term)
        {
            Term = term;
            VotedFor = 0;
        }
        Leader = 0;
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        ResetRandomizedElectionTimeout();
        _votes.Clear();
        _leadTransferee = 0;
        _progress.Clear();
        _pendingReads.Clear();
        _readsAwaitingCommit.Clear();
        _broadcastPending = false;
        _commitBroadcastPending = false;
        _readRoundPending = false;
    }

    private void BecomeFollower(ulong term, ulong leader)
    {
        Reset(term);
        Role = RaftRole.Follower;
        Leader = leader;
    }

    /// <summary>Recompute the voter set after the log changed (config entries take effect when appended, §6).</summary>
    private void RefreshConfig()
    {
        var config = _log.ConfigAt(_log.LastIndex, out var index) ?? ClusterConfig.None;
        _configIndex = index;
        if (config.Equals(_config))
        {
            return;
        }
        _config = config;
        if (Role == RaftRole.Leader)
        {
            foreach (var voter in config.Voters)
            {
                if (voter != Id && !_progress.ContainsKey(voter))
                {
                    _progress[voter] = new Progress(_log.LastIndex + 1) { RecentActive = true };
                }
            }
            // A removed peer keeps getting appends (not counted in any quorum) until the change commits, so it
            // usually learns it was removed and stops campaigning. See PruneRemovedPeers.
        }
    }

    /// <summary>Stop replicating to peers whose removal is committed.</summary>
    private void PruneRemovedPeers()
    {
        if (_log.Committed < _configIndex || _progress.Count == _config.Voters.Count - (_config.Contains(Id) ? 1 : 0))
        {
            return;
        }
        foreach (var peer in new List<ulong>(_progress.Keys))
        {
            if (!_config.Contains(peer)) _progress.Remove(peer);
        }
    }

    public override string ToString() => $"{Id} {Role} t{Term} last={_log.LastIndex}/t{_log.LastTerm} commit={_log.Committed} applied={_log.Applied}";
}
