namespace MiniMesos.Net.Raft;

/// <summary>
/// A committed entry this master cannot apply (an entry kind or format from a newer version). Skipping it would
/// let this master's state drift from the others' for good, so the Raft loop stops before it: the log stays
/// intact and the master catches up from that entry once it runs a version that reads it.
/// </summary>
internal sealed class UnreadableEntryException(ulong index, string reason)
    : Exception($"log entry {index} cannot be read by this master ({reason}); it stopped before applying it, with its log intact: " +
        "run the same minimesos version as the leader on this master and restart it to catch up");
