namespace MiniMesos.Core.Raft;

/// <summary>
/// One replicated log entry. Maps to one row of a log table keyed by <see cref="Index"/>.
/// A leader appends an empty <see cref="EntryType.Normal"/> entry when elected (§8) so it can commit in its term.
/// </summary>
internal sealed record LogEntry(ulong Index, ulong Term, EntryType Type, byte[] Data)
{
    public static readonly byte[] Empty = [];
}
