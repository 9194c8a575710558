using Microsoft.Data.Sqlite;
using MiniMesos.Core.Raft;
using MiniMesos.Net.Storage;
using Xunit;

namespace MiniMesos.Tests.Storage;

/// <summary>What only a durable store can get wrong: reopening, refusing bad data dirs, and not writing when idle.</summary>
public sealed class SqliteRaftStoreTests : IDisposable
{
    private static readonly StoreIdentity Node1 = new("prod", 1);
    private readonly TempDataDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static LogEntry E(ulong index, ulong term) => new(index, term, EntryType.Normal, [(byte)index, (byte)term, 42]);

    [Fact]
    public void EverythingSurvivesCloseAndReopen()
    {
        var snapshot = new Snapshot(new SnapshotMetadata(3, 1, new ClusterConfig([1, 2, 3])), [9, 8, 7]);
        using (var store = SqliteRaftStore.Open(_dir.Path, Node1))
        {
            store.Persist(new Ready { HardState = new HardState(1, 1, 0), Entries = [E(1, 1), E(2, 1), E(3, 1), E(4, 1)] });
            store.Persist(new Ready { HardState = new HardState(2, 3, 4), Entries = [E(4, 2), E(5, 2)] });
            store.Persist(new Ready { Snapshot = snapshot });
        }
        using (var store = SqliteRaftStore.Open(_dir.Path, Node1))
        {
            Assert.Equal((4UL, 5UL), (store.FirstIndex, store.LastIndex));
            Assert.Equal(new HardState(2, 3, 4), store.Load());
            Assert.Equal(["4/2/04022A", "5/2/05022A"], store.Read(0, 99).Select(e => $"{e.Index}/{e.Term}/{Convert.ToHexString(e.Data)}"));
            Assert.Equal(snapshot.Metadata, store.Latest!.Metadata);
            Assert.Equal(snapshot.Data, store.Latest.Data);
            store.DeleteThrough(20); // compacted past the end: the next append may only come at 21
        }
        using (var store = SqliteRaftStore.Open(_dir.Path, Node1))
        {
            Assert.Equal((21UL, 20UL), (store.FirstIndex, store.LastIndex));
            store.Append([E(21, 3)]);
            Assert.Throws<InvalidOperationException>(() => store.Append([E(23, 3)]));
            Assert.Equal((21UL, 21UL), (store.FirstIndex, store.LastIndex));
        }
    }

    [Fact]
    public void LargeValuesRoundTrip()
    {
        var big = new byte[3 << 20];
        new Random(7).NextBytes(big);
        using (var store = SqliteRaftStore.Open(_dir.Path, Node1))
        {
            store.Append([new LogEntry(1, ulong.MaxValue, EntryType.Normal, big)]);
            store.Save(new HardState(ulong.MaxValue, ulong.MaxValue - 1, 1));
        }
        using var reopened = SqliteRaftStore.Open(_dir.Path, Node1);
        Assert.Equal(big, reopened.Read(1, 1)[0].Data);
        Assert.Equal(ulong.MaxValue, reopened.Read(1, 1)[0].Term);
        Assert.Equal(new HardState(ulong.MaxValue, ulong.MaxValue - 1, 1), reopened.Load());
    }

    [Fact]
    public void FailedPersistChangesNothing()
    {
        using var store = SqliteRaftStore.Open(_dir.Path, Node1);
        store.Persist(new Ready { HardState = new HardState(1, 0, 0), Entries = [E(1, 1), E(2, 1)] });
        // The gap makes the append fail after the hard state was written inside the transaction: it must roll back.
        Assert.Throws<InvalidOperationException>(() => store.SaveReady(new HardState(5, 5, 5), [E(4, 5)], null, snapshotFromLeader: false));
        Assert.Equal(new HardState(1, 0, 0), store.Load());
        store.Dispose();
        using var reopened = SqliteRaftStore.Open(_dir.Path, Node1);
        Assert.Equal(new HardState(1, 0, 0), reopened.Load());
        Assert.Equal(2UL, reopened.LastIndex);
    }

    [Fact]
    public void IdleStoreWritesNothing()
    {
        using var store = SqliteRaftStore.Open(_dir.Path, Node1);
        store.Persist(new Ready { HardState = new HardState(3, 1, 2), Entries = [E(1, 3), E(2, 3)] });
        var before = FileStates();
        for (var i = 0; i < 20; i++)
        {
            store.Persist(new Ready { HardState = new HardState(3, 1, 2) });
            store.Persist(new Ready());
            store.Save(new HardState(3, 1, 2));
            store.Append([]);
            store.DeleteThrough(0);
            _ = store.Read(1, 2);
        }
        Assert.Equal(before, FileStates());
        store.Save(new HardState(3, 1, 3));
        Assert.NotEqual(before, FileStates());
    }

    [Fact]
    public void RefusesAnotherClustersDataDir()
    {
        SqliteRaftStore.Open(_dir.Path, new StoreIdentity("a", 2)).Dispose();
        var e = Assert.Throws<StorageException>(() => SqliteRaftStore.Open(_dir.Path, new StoreIdentity("b", 2)));
        Assert.Contains("belongs to cluster 'a' node 2, not cluster 'b' node 2", e.Message);
        Assert.Contains("--data-dir", e.Message);
        e = Assert.Throws<StorageException>(() => SqliteRaftStore.Open(_dir.Path, new StoreIdentity("a", 3)));
        Assert.Contains("node 2, not cluster 'a' node 3", e.Message);
        SqliteRaftStore.Open(_dir.Path, new StoreIdentity("a", 2)).Dispose(); // refusing changed nothing
    }

    [Fact]
    public void RefusesAnUnknownFormat()
    {
        SqliteRaftStore.Open(_dir.Path, Node1).Dispose();
        ExecuteRaw("UPDATE meta SET value = 99 WHERE key = 'format_version'");
        var e = Assert.Throws<StorageException>(() => SqliteRaftStore.Open(_dir.Path, Node1));
        Assert.Contains("format '99'", e.Message);
        Assert.Contains("understands format 1", e.Message);
    }

    [Fact]
    public void RefusesAForeignSqliteDatabase()
    {
        SqliteProvider.EnsureInitialized();
        ExecuteRaw("CREATE TABLE photos(id INTEGER PRIMARY KEY)");
        var e = Assert.Throws<StorageException>(() => SqliteRaftStore.Open(_dir.Path, Node1));
        Assert.Contains("not a MiniMesos Raft store", e.Message);
        Assert.Equal("delete", ScalarRaw("PRAGMA journal_mode")); // left as found: not even switched to WAL
    }

    [Fact]
    public void UsesWriteAheadLogging()
    {
        SqliteRaftStore.Open(_dir.Path, Node1).Dispose();
        Assert.Equal("wal", ScalarRaw("PRAGMA journal_mode"));
    }

    [Fact]
    public void RefusesAFileThatIsNotSqlite()
    {
        File.WriteAllText(_dir.DbFile, "this is not a database, but it is long enough to have a header");
        var e = Assert.Throws<StorageException>(() => SqliteRaftStore.Open(_dir.Path, Node1));
        Assert.Contains("not a SQLite database", e.Message);
        Assert.Equal("this is not a database, but it is long enough to have a header", File.ReadAllText(_dir.DbFile)); // never reset
    }

    [Fact]
    public void RefusesACorruptDatabase()
    {
        using (var store = SqliteRaftStore.Open(_dir.Path, Node1))
        {
            for (ulong i = 1; i <= 200; i++)
            {
                store.Append([new LogEntry(i, 1, EntryType.Normal, new byte[300])]);
            }
        }
        var bytes = File.ReadAllBytes(_dir.DbFile);
        const int pageSize = 4096;
        Assert.True(bytes.Length > 4 * pageSize);
        for (var page = 1; page < bytes.Length / pageSize; page++)
        {
            bytes.AsSpan(page * pageSize, 16).Fill(0xEE); // b-tree page headers destroyed
        }
        File.WriteAllBytes(_dir.DbFile, bytes);
        var e = Assert.Throws<StorageException>(() => SqliteRaftStore.Open(_dir.Path, Node1));
        Assert.Contains("corrupt", e.Message);
        Assert.Contains("backup", e.Message);
    }

    private (long, DateTime)[] FileStates() =>
        Directory.GetFiles(_dir.Path).Order(StringComparer.Ordinal)
            .Select(f => new FileInfo(f)).Select(f => (f.Length, f.LastWriteTimeUtc)).ToArray();

    private object? ScalarRaw(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_dir.DbFile};Pooling=False");
        connection.Open();
        using var command = new SqliteCommand(sql, connection);
        return command.ExecuteScalar();
    }

    private void ExecuteRaw(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_dir.DbFile};Pooling=False");
        connection.Open();
        using var command = new SqliteCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
