namespace MiniMesos.Net.Raft;

/// <summary>Where the master sends every state change: the Raft log (one master or several).</summary>
internal interface IReplicatedLog
{
    bool IsLeader { get; }

    /// <summary>The term this master leads in, or null when it does not lead (a log without terms, a test's fake, leads in one).</summary>
    ulong? LeadingTerm => IsLeader ? 0 : null;

    /// <summary>Completes once the command is committed and applied on this master; throws when it cannot be (not leader).</summary>
    Task ProposeAsync(byte[] command, CancellationToken cancellationToken);

    /// <summary>Completes once this master has confirmed it still leads and has applied everything committed before the call.</summary>
    Task ReadBarrierAsync(CancellationToken cancellationToken);
}
