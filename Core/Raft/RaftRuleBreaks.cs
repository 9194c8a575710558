namespace MiniMesos.Core.Raft;

/// <summary>
/// Deliberate violations of Raft's safety rules, for the simulation tests that prove their checkers catch each one.
/// Kept out of <see cref="RaftOptions"/>, the configuration a host builds: only the <see cref="RaftNode"/> constructor
/// that takes this can break a rule, and only the tests call it.
/// </summary>
internal sealed record RaftRuleBreaks
{
    public static RaftRuleBreaks None { get; } = new();

    /// <summary>Grant votes without the §5.4.1 up-to-date check.</summary>
    public bool SkipElectionRestriction { get; init; }

    /// <summary>Commit entries of earlier terms by counting replicas (the Figure 8 mistake).</summary>
    public bool CommitByCountingOldTerms { get; init; }

    /// <summary>Confirm reads immediately on the leader without a quorum round.</summary>
    public bool UnsafeReads { get; init; }
}
