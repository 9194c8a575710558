namespace MiniMesos.Net.Raft;

/// <summary>What the replicated log drives: applied in log order on every master, deterministically.</summary>
internal interface IRaftStateMachine
{
    /// <summary>Applies one committed command (never the leader's empty no-op entries).</summary>
    void Apply(ulong index, byte[] command);

    /// <summary>
    /// Freezes the state as applied now (called on the Raft loop, between two applies, so it is the state at the applied
    /// index) and returns what encodes that frozen state as snapshot bytes: called later on another thread while applies go
    /// on, so it must read only what it froze. The loop never waits for the encoding.
    /// </summary>
    Func<byte[]> FreezeSnapshot();

    /// <summary>The whole state as snapshot bytes now (frozen and encoded at once, on the caller's thread).</summary>
    byte[] Snapshot() => FreezeSnapshot()();

    /// <summary>Replaces the whole state with a snapshot (a lagging master catching up).</summary>
    void Restore(byte[] snapshot);
}
