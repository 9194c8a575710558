using Microsoft.Data.Sqlite;
using MiniMesos.Core.Raft;

namespace MiniMesos.Net.Storage;

/// <summary>
/// The durable Raft stores (log, hard state, latest snapshot) in one SQLite file, <c>&lt;data-dir&gt;/raft.db</c>, in WAL
/// mode with <c>synchronous=FULL</c>: every method that changes something is one transaction that is on disk when the
/// method returns. <see cref="Persist"/> writes a whole <see cref="Ready"/> in ONE transaction (one fsync), which is
/// what makes batching pay. Nothing is written when nothing changed, so an idle master does not touch the disk.
/// Meant for the single Raft loop thread; a lock makes accidental concurrent use safe, not fast.
/// </summary>
internal sealed partial class SqliteRaftStore : IRaftLogStore, IStableStore, ISnapshotStore, IDisposable
{
    public const string FileName = "raft.db";

    private readonly object _gate = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insertEntry;
    private readonly SqliteCommand _deleteFrom;
    private readonly SqliteCommand _deleteThrough;
    private readonly SqliteCommand _readRange;
    private readonly SqliteCommand _saveHardState;
    private readonly SqliteCommand _saveFirstIndex;
    private readonly SqliteCommand _saveSnapshot;
    private ulong _first;
    private ulong _last;
    private HardState _hardState;
    private bool _disposed;

    public string Path { get; }

    public StoreIdentity Identity { get; }

    public ulong FirstIndex
    {
        get { lock (_gate) return _first; }
    }

    public ulong LastIndex
    {
        get { lock (_gate) return _last; }
    }

    /// <summary>Read from disk on each call: only needed at start-up, and snapshots can be large.</summary>
    public Snapshot? Latest
    {
        get
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                return ReadSnapshot(_connection);
            }
        }
    }

    public HardState Load()
    {
        lock (_gate) return _hardState;
    }

    public IReadOnlyList<LogEntry> Read(ulong from, ulong to)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            from = Math.Max(from, _first);
            to = Math.Min(to, _last);
            if (from > to)
            {
                return [];
            }
            _readRange.Transaction = null;
            _readRange.Parameters["$from"].Value = ToDb(from);
            _readRange.Parameters["$to"].Value = ToDb(to);
            var entries = new List<LogEntry>((int)Math.Min(to - from + 1, 4096));
            using var reader = _readRange.ExecuteReader();
            while (reader.Read())
            {
                entries.Add(new LogEntry(FromDb(reader.GetInt64(0)), FromDb(reader.GetInt64(1)), (EntryType)reader.GetInt64(2),
                    reader.IsDBNull(3) ? LogEntry.Empty : (byte[])reader.GetValue(3)));
            }
            return entries;
        }
    }

    public void Append(IReadOnlyList<LogEntry> entries) => SaveReady(null, entries, null, snapshotFromLeader: false);

    public void Save(HardState state) => SaveReady(state, [], null, snapshotFromLeader: false);

    /// <summary>Replaces the stored snapshot; the log is left alone (see <see cref="SaveReady"/> for the Raft order).</summary>
    public void Save(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_gate)
        {
            ThrowIfDisposed();
            using var tx = _connection.BeginTransaction();
            WriteSnapshot(tx, snapshot);
            tx.Commit();
        }
    }

    public void DeleteThrough(ulong index)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            if (index < _first)
            {
                return;
            }
            using var tx = _connection.BeginTransaction();
            var (first, last) = DeleteThroughCore(tx, _first, _last, index);
            tx.Commit();
            (_first, _last) = (first, last);
        }
    }

    /// <summary>The Raft loop's one call per <see cref="Ready"/>: same effect as <see cref="RaftStorage.Persist"/>, in one transaction.</summary>
    public void Persist(Ready ready) => SaveReady(ready.HardState, ready.Entries, ready.Snapshot, ready.SnapshotFromLeader, ready.CompactThrough);

    /// <summary>
    /// Persists, in ONE transaction (one fsync): the snapshot (with the log prefix it covers dropped through
    /// <paramref name="compactThrough"/>, by default its index — the whole log when it came from the leader), then the hard state if it changed, then the entries (replacing any conflicting suffix).
    /// Either all of it is durable when this returns, or (on exception) none of it is. Writes nothing when nothing changed.
    /// </summary>
    public void SaveReady(HardState? hardState, IReadOnlyList<LogEntry> entries, Snapshot? snapshot, bool snapshotFromLeader, ulong? compactThrough = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        CheckContiguous(entries);
        lock (_gate)
        {
            ThrowIfDisposed();
            var saveHardState = hardState is { } hs && hs != _hardState;
            if (snapshot is null && !saveHardState && entries.Count == 0)
            {
                return;
            }
            var (first, last) = (_first, _last);
            using var tx = _connection.BeginTransaction();
            if (snapshot is not null)
            {
                WriteSnapshot(tx, snapshot);
                var through = snapshotFromLeader ? Math.Max(last, snapshot.Metadata.Index) : compactThrough ?? snapshot.Metadata.Index;
                if (through >= first)
                {
                    (first, last) = DeleteThroughCore(tx, first, last, through);
                }
            }
            if (saveHardState)
            {
                var state = hardState!.Value;
                Bind(_saveHardState, tx, ("$term", state.Term), ("$voted", state.VotedFor), ("$commit", state.Commit));
                _saveHardState.ExecuteNonQuery();
            }
            if (entries.Count > 0)
            {
                (first, last) = AppendCore(tx, first, last, entries);
            }
            tx.Commit();
            (_first, _last) = (first, last);
            if (saveHardState)
            {
                _hardState = hardState!.Value;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var command in new[] { _insertEntry, _deleteFrom, _deleteThrough, _readRange, _saveHardState, _saveFirstIndex, _saveSnapshot })
            {
                command.Dispose();
            }
            _connection.Dispose();
        }
    }

    private (ulong First, ulong Last) AppendCore(SqliteTransaction tx, ulong first, ulong last, IReadOnlyList<LogEntry> entries)
    {
        var start = entries[0].Index;
        if (last < first)
        {
            // Empty log: the entries may start anywhere (after a snapshot, or at 1).
            if (start != first)
            {
                Bind(_saveFirstIndex, tx, ("$value", start));
                _saveFirstIndex.ExecuteNonQuery();
                first = start;
            }
        }
        else if (start < first || start > last + 1)
        {
            throw new InvalidOperationException($"append at {start} leaves a gap or rewrites compacted entries [{first},{last}]");
        }
        else if (start <= last)
        {
            Bind(_deleteFrom, tx, ("$index", start));
            _deleteFrom.ExecuteNonQuery();
        }
        _insertEntry.Transaction = tx;
        foreach (var entry in entries)
        {
            _insertEntry.Parameters["$index"].Value = ToDb(entry.Index);
            _insertEntry.Parameters["$term"].Value = ToDb(entry.Term);
            _insertEntry.Parameters["$type"].Value = (long)entry.Type;
            _insertEntry.Parameters["$data"].Value = entry.Data;
            _insertEntry.ExecuteNonQuery();
        }
        return (first, entries[^1].Index);
    }

    private (ulong First, ulong Last) DeleteThroughCore(SqliteTransaction tx, ulong first, ulong last, ulong index)
    {
        Bind(_deleteThrough, tx, ("$index", index));
        _deleteThrough.ExecuteNonQuery();
        Bind(_saveFirstIndex, tx, ("$value", index + 1));
        _saveFirstIndex.ExecuteNonQuery();
        return (index + 1, Math.Max(last, index));
    }

    private void WriteSnapshot(SqliteTransaction tx, Snapshot snapshot)
    {
        Bind(_saveSnapshot, tx, ("$index", snapshot.Metadata.Index), ("$term", snapshot.Metadata.Term));
        _saveSnapshot.Parameters["$voters"].Value = snapshot.Metadata.Config.Encode();
        _saveSnapshot.Parameters["$data"].Value = snapshot.Data;
        _saveSnapshot.ExecuteNonQuery();
    }

    private static void CheckContiguous(IReadOnlyList<LogEntry> entries)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Index > long.MaxValue || entries[i].Index == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(entries), $"log index {entries[i].Index} is out of range");
            }
            if (i > 0 && entries[i].Index != entries[i - 1].Index + 1)
            {
                throw new ArgumentException($"entries are not contiguous: {entries[i - 1].Index} then {entries[i].Index}", nameof(entries));
            }
        }
    }

    private static void Bind(SqliteCommand command, SqliteTransaction tx, params ReadOnlySpan<(string Name, ulong Value)> values)
    {
        command.Transaction = tx;
        foreach (var (name, value) in values)
        {
            command.Parameters[name].Value = ToDb(value);
        }
    }

    // SQLite integers are signed 64-bit; u64 values round-trip bit for bit.
    private static long ToDb(ulong value) => unchecked((long)value);

    private static ulong FromDb(long value) => unchecked((ulong)value);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
