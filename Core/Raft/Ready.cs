namespace MiniMesos.Core.Raft;

/// <summary>
/// Everything the node wants done, handed out by <see cref="RaftNode.GetReady"/>. Process IN THIS ORDER, then call
/// <see cref="RaftNode.Advance"/> before stepping the node again:
/// <list type="number">
/// <item>Persist <see cref="Snapshot"/>, <see cref="HardState"/> and <see cref="Entries"/> (see <see cref="RaftStorage.Persist"/>).</item>
/// <item>Send <see cref="Messages"/> — only AFTER persisting: a vote or an append acknowledgement is a promise about durable state.</item>
/// <item>If <see cref="SnapshotFromLeader"/>, restore the state machine from <see cref="Snapshot"/>.</item>
/// <item>Apply <see cref="CommittedEntries"/> in order, then serve <see cref="ReadStates"/> once their index is applied.</item>
/// </list>
/// </summary>
internal sealed record Ready
{
    /// <summary>Changed hard state to persist BEFORE sending messages; null when unchanged.</summary>
    public HardState? HardState { get; init; }

    /// <summary>Log entries to persist BEFORE sending messages. May overwrite a stored suffix from Entries[0].Index.</summary>
    public IReadOnlyList<LogEntry> Entries { get; init; } = [];

    /// <summary>Snapshot to persist (both kinds) and, when <see cref="SnapshotFromLeader"/>, to restore into the state machine.</summary>
    public Snapshot? Snapshot { get; init; }

    /// <summary>True when <see cref="Snapshot"/> came from the leader and replaces the state machine and the log.</summary>
    public bool SnapshotFromLeader { get; init; }

    /// <summary>
    /// With a local <see cref="Snapshot"/>: the stored log drops its entries through this index, which is below the
    /// snapshot's when a tail is kept (<see cref="RaftOptions.KeepBelowSnapshot"/>); null: through the snapshot's index.
    /// </summary>
    public ulong? CompactThrough { get; init; }

    /// <summary>Messages to send AFTER persisting the fields above.</summary>
    public IReadOnlyList<RaftMessage> Messages { get; init; } = [];

    /// <summary>Committed entries to apply, in index order.</summary>
    public IReadOnlyList<LogEntry> CommittedEntries { get; init; } = [];

    /// <summary>Confirmed linearizable reads.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; init; } = [];

    public RaftRole Role { get; init; }

    public ulong Leader { get; init; }
}
