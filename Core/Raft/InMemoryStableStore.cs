namespace MiniMesos.Core.Raft;

/// <summary>In-memory <see cref="IStableStore"/>, for tests and simulation.</summary>
internal sealed class InMemoryStableStore : IStableStore
{
    private HardState _state;

    public HardState Load() => _state;

    public void Save(HardState state) => _state = state;
}
