namespace MiniMesos.Core.Raft;

/// <summary>The single hard-state row (SQL: <c>hard_state(term, voted_for, commit)</c>).</summary>
internal interface IStableStore
{
    HardState Load();

    void Save(HardState state);
}
