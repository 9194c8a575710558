namespace MiniMesos.Net.Raft;

/// <summary>What the replicated log drives: applied in log order on every master, deterministically.</summary>
internal interface IRaftStateMachine
{
    /// <summary>Applies one committed command (never the leader's empty no-op entries).</summary>
    void Apply(ulong index, byte[] command);

    /// <summary>The whole state as bytes, for a snapshot that lets the log be compacted.</summary>
    byte[] Snapshot();

    /// <summary>Replaces the whole state with a snapshot (a lagging master catching up).</summary>
    void Restore(byte[] snapshot);
}
