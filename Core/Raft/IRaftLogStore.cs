namespace MiniMesos.Core.Raft;

/// <summary>
/// Durable log entries, one row per index (SQL: <c>log(idx INTEGER PRIMARY KEY, term, type, data)</c>).
/// Entries are contiguous from <see cref="FirstIndex"/> to <see cref="LastIndex"/>; the prefix before them lives in the
/// latest snapshot.
/// </summary>
internal interface IRaftLogStore
{
    /// <summary>Index of the first stored entry; when empty, anything greater than <see cref="LastIndex"/>.</summary>
    ulong FirstIndex { get; }

    /// <summary>Index of the last stored entry (the highest idx); when empty, anything below <see cref="FirstIndex"/>.</summary>
    ulong LastIndex { get; }

    /// <summary>Stored entries with index in [from, to], in order.</summary>
    IReadOnlyList<LogEntry> Read(ulong from, ulong to);

    /// <summary>Deletes every entry with index &gt;= entries[0].Index, then stores entries (a conflicting suffix is replaced).</summary>
    void Append(IReadOnlyList<LogEntry> entries);

    /// <summary>Deletes every entry with index &lt;= index (compaction after a snapshot).</summary>
    void DeleteThrough(ulong index);
}
