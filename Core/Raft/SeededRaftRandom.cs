namespace MiniMesos.Core.Raft;

/// <summary>A seeded <see cref="Random"/>: deterministic for a given seed, which is what replays need.</summary>
internal sealed class SeededRaftRandom(int seed) : IRaftRandom
{
    private readonly Random _random = new(seed);

    public int Next(int maxExclusive) => _random.Next(maxExclusive);
}
