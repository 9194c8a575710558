namespace MiniMesos.Core.Raft;

/// <summary>
/// Outcome of a proposal. Accepted means appended at (Index, Term): it is committed only if the entry applied at
/// Index later has that Term; otherwise it was overwritten by another leader and the client must retry.
/// </summary>
internal readonly record struct ProposeResult(ProposeStatus Status, ulong Index, ulong Term, ulong LeaderHint)
{
    public bool IsAccepted => Status == ProposeStatus.Accepted;
}
