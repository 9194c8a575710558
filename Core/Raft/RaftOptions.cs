namespace MiniMesos.Core.Raft;

/// <summary>Node configuration. Timeouts are in ticks; the host decides how long a tick is.</summary>
internal sealed record RaftOptions
{
    public required ulong Id { get; init; }

    /// <summary>Voters to start with when storage is empty. Leave empty for a node that joins an existing cluster.</summary>
    public IReadOnlyList<ulong> InitialVoters { get; init; } = [];

    /// <summary>Base election timeout; the actual one is drawn from [ElectionTicks, 2*ElectionTicks) to split votes rarely (§5.2).</summary>
    public int ElectionTicks { get; init; } = 10;

    public int HeartbeatTicks { get; init; } = 2;

    /// <summary>Ask "would you vote for me?" before bumping the term, so a partitioned node rejoining does not depose a healthy leader (§9.6).</summary>
    public bool PreVote { get; init; } = true;

    /// <summary>A leader that has not heard from a quorum within an election timeout steps down; followers in contact with a leader ignore votes.</summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>How many appends may be in flight to one follower in the replicate state (pipelining).</summary>
    public int MaxInflightAppends { get; init; } = 8;

    /// <summary>Most entries per append message (batching).</summary>
    public int MaxEntriesPerAppend { get; init; } = 64;

    /// <summary>
    /// Entries a local compaction keeps at and below its snapshot (0: none). A follower that fell at most that far behind
    /// the leader's snapshot is caught up with entries instead of the whole state, and its log stays whole; the stored
    /// log holds at most the snapshot interval plus this many entries.
    /// </summary>
    public ulong KeepBelowSnapshot { get; init; }
}
