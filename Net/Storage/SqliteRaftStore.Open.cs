using System.Text;
using Microsoft.Data.Sqlite;
using MiniMesos.Core.Raft;

namespace MiniMesos.Net.Storage;

/// <summary>Opening a data dir: schema creation, and the checks that refuse a corrupt, foreign or unknown store.</summary>
internal sealed partial class SqliteRaftStore
{
    /// <summary>Bump when the schema changes; an older binary must refuse a newer file, never guess.</summary>
    public const long FormatVersion = 1;

    private static ReadOnlySpan<byte> SqliteHeader => "SQLite format 3\0"u8;

    private SqliteRaftStore(string path, StoreIdentity identity, SqliteConnection connection)
    {
        Path = path;
        Identity = identity;
        _connection = connection;
        _insertEntry = Prepare("INSERT INTO log(idx, term, type, data) VALUES ($index, $term, $type, $data)", "$index", "$term", "$type", "$data");
        _deleteFrom = Prepare("DELETE FROM log WHERE idx >= $index", "$index");
        _deleteThrough = Prepare("DELETE FROM log WHERE idx <= $index", "$index");
        _readRange = Prepare("SELECT idx, term, type, data FROM log WHERE idx BETWEEN $from AND $to ORDER BY idx", "$from", "$to");
        _saveHardState = Prepare("INSERT OR REPLACE INTO hard_state(id, term, voted_for, commit_index) VALUES (1, $term, $voted, $commit)",
            "$term", "$voted", "$commit");
        _saveFirstIndex = Prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('log_first', $value)", "$value");
        _saveSnapshot = Prepare("INSERT OR REPLACE INTO snapshot(id, idx, term, voters, data) VALUES (1, $index, $term, $voters, $data)",
            "$index", "$term", "$voters", "$data");
    }

    /// <summary>
    /// Opens (creating if needed) <c>&lt;dataDir&gt;/raft.db</c> for <paramref name="identity"/>. Throws
    /// <see cref="StorageException"/> for a file that is not a sound SQLite database, a store of an unknown format, or
    /// one that belongs to another cluster or node.
    /// </summary>
    public static SqliteRaftStore Open(string dataDir, StoreIdentity identity)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDir);
        ArgumentNullException.ThrowIfNull(identity);
        SqliteProvider.EnsureInitialized();
        Directory.CreateDirectory(dataDir);
        var path = System.IO.Path.Combine(dataDir, FileName);
        CheckHeader(dataDir, path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // Dispose must really close the file (tests reopen it, operators move it).
        }.ToString());
        SqliteRaftStore? store = null;
        try
        {
            connection.Open();
            // Check before changing anything: a foreign file must be left exactly as it was found.
            CheckIntegrity(dataDir, connection);
            ulong? first = Check(dataDir, connection, identity);
            SetDurability(dataDir, connection);
            first ??= CreateSchema(connection, identity);
            store = new SqliteRaftStore(path, identity, connection);
            store.LoadState(first.Value);
            return store;
        }
        catch (SqliteException e)
        {
            Dispose(store, connection);
            throw new StorageException($"data dir {dataDir}: {FileName} is unreadable or corrupt ({e.Message.TrimEnd('.')}): " +
                "restore it from a backup, or remove the data dir so this node rejoins empty if you are sure", e);
        }
        catch
        {
            Dispose(store, connection);
            throw;
        }
    }

    private static void Dispose(SqliteRaftStore? store, SqliteConnection connection)
    {
        if (store is not null) store.Dispose();
        else connection.Dispose();
    }

    private static void CheckHeader(string dataDir, string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length == 0)
        {
            return;
        }
        Span<byte> header = stackalloc byte[16];
        int read;
        using (var file = File.OpenRead(path))
        {
            read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        if (read < header.Length || !header.SequenceEqual(SqliteHeader))
        {
            throw new StorageException($"data dir {dataDir}: {FileName} is not a SQLite database (damaged, or not ours): " +
                "restore it from a backup, or remove the data dir so this node rejoins empty if you are sure");
        }
    }

    private static void CheckIntegrity(string dataDir, SqliteConnection connection)
    {
        var check = Scalar(connection, "PRAGMA quick_check") as string;
        if (check != "ok")
        {
            throw new StorageException($"data dir {dataDir}: {FileName} is corrupt, it failed its integrity check ({check}): " +
                "restore it from a backup, or remove the data dir so this node rejoins empty if you are sure");
        }
    }

    /// <summary>WAL: a commit is one sequential append + fsync; FULL: that fsync happens at every commit.</summary>
    private static void SetDurability(string dataDir, SqliteConnection connection)
    {
        var mode = Scalar(connection, "PRAGMA journal_mode=WAL") as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new StorageException($"data dir {dataDir}: SQLite refused WAL mode (got '{mode}'): use a local file system for --data-dir");
        }
        Execute(connection, "PRAGMA synchronous=FULL");
    }

    /// <summary>Checks format and identity of an existing store and returns its log_first; null for an empty file.</summary>
    private static ulong? Check(string dataDir, SqliteConnection connection, StoreIdentity identity)
    {
        var hasMeta = (long)Scalar(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'")! > 0;
        if (!hasMeta)
        {
            if ((long)Scalar(connection, "SELECT count(*) FROM sqlite_master")! > 0)
            {
                throw new StorageException($"data dir {dataDir}: {FileName} is a SQLite database but not a MiniMesos Raft store: " +
                    "use another --data-dir");
            }
            return null;
        }
        var meta = new Dictionary<string, object>(StringComparer.Ordinal);
        using (var select = new SqliteCommand("SELECT key, value FROM meta", connection))
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                meta[reader.GetString(0)] = reader.GetValue(1);
            }
        }
        if (meta.GetValueOrDefault("format_version") is not long format || format != FormatVersion)
        {
            throw new StorageException($"data dir {dataDir}: {FileName} has store format '{meta.GetValueOrDefault("format_version") ?? "(none)"}', " +
                $"this minimesos understands format {FormatVersion}: run the minimesos version that wrote it, or use another --data-dir");
        }
        if (meta.GetValueOrDefault("cluster") is not string cluster || meta.GetValueOrDefault("node_id") is not long node
            || meta.GetValueOrDefault("log_first") is not long first)
        {
            throw new StorageException($"data dir {dataDir}: {FileName} has an incomplete meta table: restore it from a backup, " +
                "or remove the data dir so this node rejoins empty if you are sure");
        }
        var stored = new StoreIdentity(cluster, FromDb(node));
        if (stored != identity)
        {
            throw new StorageException($"data dir {dataDir} belongs to {stored}, not {identity}: " +
                "use another --data-dir, or remove it if you are sure");
        }
        return FromDb(first);
    }

    private static ulong CreateSchema(SqliteConnection connection, StoreIdentity identity)
    {
        using var tx = connection.BeginTransaction();
        Execute(connection, """
            CREATE TABLE meta(key TEXT PRIMARY KEY, value NOT NULL);
            CREATE TABLE hard_state(id INTEGER PRIMARY KEY CHECK (id = 1), term INTEGER NOT NULL, voted_for INTEGER NOT NULL, commit_index INTEGER NOT NULL);
            CREATE TABLE log(idx INTEGER PRIMARY KEY, term INTEGER NOT NULL, type INTEGER NOT NULL, data BLOB NOT NULL);
            CREATE TABLE snapshot(id INTEGER PRIMARY KEY CHECK (id = 1), idx INTEGER NOT NULL, term INTEGER NOT NULL, voters BLOB NOT NULL, data BLOB NOT NULL);
            """, tx);
        using var insert = new SqliteCommand(
            "INSERT INTO meta(key, value) VALUES ('format_version', $format), ('cluster', $cluster), ('node_id', $node), ('log_first', 1)",
            connection, tx);
        insert.Parameters.AddWithValue("$format", FormatVersion);
        insert.Parameters.AddWithValue("$cluster", identity.ClusterName);
        insert.Parameters.AddWithValue("$node", ToDb(identity.NodeId));
        insert.ExecuteNonQuery();
        tx.Commit();
        return 1;
    }

    private void LoadState(ulong first)
    {
        _first = first;
        var max = Scalar(_connection, "SELECT max(idx) FROM log");
        _last = max is long m ? FromDb(m) : first - 1;
        using var select = new SqliteCommand("SELECT term, voted_for, commit_index FROM hard_state WHERE id = 1", _connection);
        using var reader = select.ExecuteReader();
        _hardState = reader.Read() ? new HardState(FromDb(reader.GetInt64(0)), FromDb(reader.GetInt64(1)), FromDb(reader.GetInt64(2))) : default;
    }

    private static Snapshot? ReadSnapshot(SqliteConnection connection)
    {
        using var select = new SqliteCommand("SELECT idx, term, voters, data FROM snapshot WHERE id = 1", connection);
        using var reader = select.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }
        var config = ClusterConfig.Decode((byte[])reader.GetValue(2));
        return new Snapshot(new SnapshotMetadata(FromDb(reader.GetInt64(0)), FromDb(reader.GetInt64(1)), config), (byte[])reader.GetValue(3));
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = new SqliteCommand(sql, _connection);
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }
        return command;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = new SqliteCommand(sql, connection);
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var command = new SqliteCommand(sql, connection, tx);
        command.ExecuteNonQuery();
    }
}
