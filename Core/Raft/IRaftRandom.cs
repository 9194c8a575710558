namespace MiniMesos.Core.Raft;

/// <summary>Injected randomness (election timeout jitter) so simulations replay exactly from a seed.</summary>
internal interface IRaftRandom
{
    /// <summary>Uniform in [0, maxExclusive).</summary>
    int Next(int maxExclusive);
}
