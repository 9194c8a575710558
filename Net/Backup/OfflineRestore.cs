using MiniMesos.Core.Raft;
using MiniMesos.Net.Storage;

namespace MiniMesos.Net.Backup;

/// <summary>
/// `snapshot restore FILE --data-dir D`: makes a stopped master's empty data dir a one-master cluster whose Raft
/// snapshot is the backup's state at the backup's index and term, with this master as the only voter (as
/// `etcdutl snapshot restore` does). Started, it elects itself; other masters join with fresh data dirs.
/// </summary>
internal static class OfflineRestore
{
    public static (ulong NodeId, SnapshotHeader Header) Run(string dataDir, string cluster, string token, byte[] file, bool forceCluster)
    {
        // Every check first: a refused file leaves the data dir exactly as it was.
        var (header, state) = BackupService.OpenChecked(file, cluster, token, forceCluster);
        var db = Path.Combine(dataDir, SqliteRaftStore.FileName);
        if (File.Exists(db) && new FileInfo(db).Length > 0)
            throw new SnapshotFileException($"{dataDir} already holds a Raft store ({SqliteRaftStore.FileName}): an offline restore needs an empty data dir. " +
                $"Stop its master, move {SqliteRaftStore.FileName}* aside (keep them until the restored cluster works), then run this again; " +
                "or restore online through a running master (without --data-dir)");
        var nodeId = NodeIdFile.ReadOrCreate(dataDir);
        var index = Math.Max(header.Index, 1);
        var term = Math.Max(header.Term, 1);
        using var store = SqliteRaftStore.Open(dataDir, new StoreIdentity(cluster, nodeId));
        var snapshot = new Snapshot(new SnapshotMetadata(index, term, new ClusterConfig([nodeId])), state);
        store.SaveReady(new HardState(term, 0, index), [], snapshot, snapshotFromLeader: true);
        return (nodeId, header);
    }
}
