namespace MiniMesos.Core.Raft;

/// <summary>
/// The node's in-memory view of its log: a snapshot boundary plus the entries after it, with the commit and apply
/// cursors and the point from which entries have not yet been handed to storage. A local compaction may keep a tail of
/// entries at and below the snapshot (from <see cref="Offset"/> + 1): committed and applied, they let a leader catch a
/// follower that fell a little behind up with entries rather than a whole snapshot, and keep the history checkable.
/// </summary>
internal sealed class RaftLog
{
    private readonly List<LogEntry> _entries = [];

    /// <summary>First index whose entry has not been handed out for persistence.</summary>
    private ulong _unstableFrom;

    public RaftLog(Snapshot? snapshot, IReadOnlyList<LogEntry> stored, ulong commit)
    {
        Snapshot = snapshot;
        SnapshotIndex = snapshot?.Metadata.Index ?? 0;
        SnapshotTerm = snapshot?.Metadata.Term ?? 0;
        Offset = SnapshotIndex;
        // Stored entries at and below the snapshot (a tail kept at compaction) stay when they reach it and agree with it.
        var keepTail = stored.Count > 0 && stored[0].Index <= SnapshotIndex && stored[^1].Index >= SnapshotIndex
            && stored[(int)(SnapshotIndex - stored[0].Index)].Term == SnapshotTerm;
        if (keepTail)
        {
            Offset = stored[0].Index - 1;
        }
        foreach (var e in stored)
        {
            if (e.Index > Offset)
            {
                _entries.Add(e);
            }
        }
        _unstableFrom = LastIndex + 1;
        Committed = Math.Max(Math.Min(commit, LastIndex), SnapshotIndex);
        Applied = SnapshotIndex;
    }

    public Snapshot? Snapshot { get; private set; }

    public ulong SnapshotIndex { get; private set; }

    public ulong SnapshotTerm { get; private set; }

    /// <summary>The index before the first entry held (at most <see cref="SnapshotIndex"/>).</summary>
    public ulong Offset { get; private set; }

    public ulong Committed { get; private set; }

    public ulong Applied { get; private set; }

    public ulong LastIndex => Offset + (ulong)_entries.Count;

    public ulong LastTerm => LastIndex == SnapshotIndex ? SnapshotTerm : _entries[^1].Term;

    /// <summary>Term of the entry at index, or null when compacted away or beyond the end.</summary>
    public ulong? Term(ulong index)
    {
        if (index == SnapshotIndex)
        {
            return SnapshotTerm;
        }
        if (index <= Offset || index > LastIndex)
        {
            return null;
        }
        return _entries[(int)(index - Offset - 1)].Term;
    }

    public LogEntry Entry(ulong index) => _entries[(int)(index - Offset - 1)];

    public bool MatchTerm(ulong index, ulong term) => Term(index) == term;

    /// <summary>§5.4.1: the candidate's log is at least as up to date as ours.</summary>
    public bool IsUpToDate(ulong lastIndex, ulong lastTerm) =>
        lastTerm > LastTerm || (lastTerm == LastTerm && lastIndex >= LastIndex);

    /// <summary>Entries in [from, to], at most max of them; from must be past <see cref="Offset"/>.</summary>
    public IReadOnlyList<LogEntry> Slice(ulong from, ulong to, int max)
    {
        to = Math.Min(to, LastIndex);
        if (from > to)
        {
            return [];
        }
        var count = (int)Math.Min((ulong)max, to - from + 1);
        return _entries.GetRange((int)(from - Offset - 1), count);
    }

    /// <summary>Leader append of new entries at the end.</summary>
    public void Append(LogEntry entry) => _entries.Add(entry);

    /// <summary>
    /// Follower side of AppendEntries (§5.3): if our log has (prevIndex, prevTerm), merge the entries, truncating a
    /// conflicting suffix, and advance commit. Returns the last index now known to match the leader, or null.
    /// </summary>
    public ulong? TryAppend(ulong prevIndex, ulong prevTerm, ulong leaderCommit, IReadOnlyList<LogEntry> entries)
    {
        if (!MatchTerm(prevIndex, prevTerm))
        {
            return null;
        }
        var lastNew = prevIndex + (ulong)entries.Count;
        foreach (var e in entries)
        {
            if (e.Index <= SnapshotIndex)
            {
                continue; // already covered by our snapshot, hence committed and identical
            }
            var existing = Term(e.Index);
            if (existing == e.Term)
            {
                continue;
            }
            if (existing is not null)
            {
                if (e.Index <= Committed)
                {
                    throw new InvalidOperationException($"refusing to overwrite committed entry {e.Index} (a safety bug upstream)");
                }
                _entries.RemoveRange((int)(e.Index - Offset - 1), (int)(LastIndex - e.Index + 1));
                _unstableFrom = Math.Min(_unstableFrom, e.Index);
            }
            _entries.Add(e);
        }
        CommitTo(Math.Min(leaderCommit, lastNew));
        return lastNew;
    }

    /// <summary>Largest index &lt;= index whose term is &lt;= term: where two logs may agree (fast backtracking).</summary>
    public ulong FindConflictByTerm(ulong index, ulong term)
    {
        index = Math.Min(index, LastIndex);
        while (index > Offset && Term(index) > term)
        {
            index--;
        }
        return index;
    }

    public void CommitTo(ulong index)
    {
        if (index > Committed)
        {
            if (index > LastIndex)
            {
                throw new InvalidOperationException($"commit {index} beyond last index {LastIndex}");
            }
            Committed = index;
        }
    }

    public bool HasUnstableEntries => _unstableFrom <= LastIndex;

    public IReadOnlyList<LogEntry> UnstableEntries() =>
        _unstableFrom > LastIndex ? [] : _entries.GetRange((int)(_unstableFrom - Offset - 1), (int)(LastIndex - _unstableFrom + 1));

    public void StableTo(ulong index) => _unstableFrom = Math.Max(_unstableFrom, index + 1);

    public IReadOnlyList<LogEntry> NextCommitted() => Slice(Applied + 1, Committed, int.MaxValue);

    public void AppliedTo(ulong index) => Applied = Math.Max(Applied, index);

    /// <summary>Replace everything with a snapshot from the leader (§7).</summary>
    public void Restore(Snapshot snapshot)
    {
        _entries.Clear();
        Snapshot = snapshot;
        SnapshotIndex = snapshot.Metadata.Index;
        Offset = SnapshotIndex;
        SnapshotTerm = snapshot.Metadata.Term;
        Committed = SnapshotIndex;
        Applied = SnapshotIndex;
        _unstableFrom = SnapshotIndex + 1;
    }

    /// <summary>Drop the prefix covered by a locally taken snapshot, except the last <paramref name="keep"/> entries it covers.</summary>
    public void Compact(Snapshot snapshot, ulong keep)
    {
        var index = snapshot.Metadata.Index;
        var offset = Math.Max(Offset, index > keep ? index - keep : 0);
        _entries.RemoveRange(0, (int)(offset - Offset));
        Offset = offset;
        Snapshot = snapshot;
        SnapshotIndex = index;
        SnapshotTerm = snapshot.Metadata.Term;
    }

    /// <summary>The voter set in force at index: the last config entry at or before it, else the snapshot's.</summary>
    public ClusterConfig? ConfigAt(ulong index, out ulong configIndex)
    {
        for (var i = Math.Min(index, LastIndex); i > SnapshotIndex; i--)
        {
            var e = Entry(i);
            if (e.Type == EntryType.Config)
            {
                configIndex = i;
                return ClusterConfig.Decode(e.Data);
            }
        }
        configIndex = SnapshotIndex;
        return Snapshot?.Metadata.Config;
    }
}
