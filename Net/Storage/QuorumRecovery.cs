using MiniMesos.Core.Raft;

namespace MiniMesos.Net.Storage;

/// <summary>
/// `master recover`: makes a stopped master whose fellow voters are gone for good the only voter. It appends one
/// configuration entry {itself} after its last entry and changes nothing else: every entry stays, committed or not.
/// Started, the master elects itself (a quorum of one) and its first commit commits the whole log, the entries no
/// quorum had confirmed included (as etcd's --force-new-cluster does): a write a client saw fail or time out may
/// therefore turn out applied.
/// </summary>
internal static class QuorumRecovery
{
    /// <summary>The voters the store holds now: its last configuration entry's, or its snapshot's.</summary>
    public static ClusterConfig CurrentConfig(SqliteRaftStore store)
    {
        var entries = store.LastIndex >= store.FirstIndex ? store.Read(store.FirstIndex, store.LastIndex) : [];
        var last = entries.LastOrDefault(e => e.Type == EntryType.Config);
        return last is not null ? ClusterConfig.Decode(last.Data) : store.Latest?.Metadata.Config ?? ClusterConfig.None;
    }

    /// <summary>Appends the configuration {<paramref name="self"/>}; returns the voters before and the new entry's index (0: nothing to do).</summary>
    public static (ClusterConfig Before, ulong Index) Rewrite(SqliteRaftStore store, ulong self)
    {
        var before = CurrentConfig(store);
        var alone = new ClusterConfig([self]);
        if (before.Equals(alone)) return (before, 0);
        var lastTerm = store.LastIndex >= store.FirstIndex
            ? store.Read(store.LastIndex, store.LastIndex)[0].Term
            : store.Latest?.Metadata.Term ?? 0;
        // The entry's term is the last entry's: terms in a log never decrease, and no leader of a later term wrote anything here.
        var entry = new LogEntry(store.LastIndex + 1, Math.Max(lastTerm, 1), EntryType.Config, alone.Encode());
        store.Append([entry]);
        return (before, entry.Index);
    }
}
