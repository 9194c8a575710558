namespace MiniMesos.Tests.Raft.Simulation;

/// <summary>
/// One client operation on a register (one key of the key-value store). Return is long.MaxValue when the client never
/// learned the outcome: such a write may or may not have taken effect.
/// </summary>
internal sealed record Operation(int ClientId, int Key, bool IsWrite, ulong Value, long Call, long Return)
{
    public override string ToString() =>
        $"c{ClientId} k{Key} {(IsWrite ? "write" : "read")}({Value}) [{Call},{(Return == long.MaxValue ? "inf" : Return.ToString())}]";
}
