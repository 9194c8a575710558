using System.Collections.Concurrent;

namespace MiniMesos.Net.Raft;

/// <summary>The masters this one knows of (itself included), learned from --join, handshakes and gossip.</summary>
internal sealed class PeerDirectory(MasterPeer self)
{
    private readonly ConcurrentDictionary<ulong, MasterPeer> _peers = new() { [self.Id] = self };
    private readonly ConcurrentDictionary<ulong, (string Build, int Level)> _versions = new()
    {
        [self.Id] = (BuildInfo.Version, Core.State.FeatureGate.Current),
    };

    /// <summary>A master's version and feature level as its last handshake told them (null: not heard from, or too old to say).</summary>
    public (string Build, int Level)? VersionOf(ulong id) => _versions.TryGetValue(id, out var v) ? v : null;

    public int? LevelOf(ulong id) => VersionOf(id)?.Level is > 0 and var level ? level : null;

    /// <summary>Records what a master's handshake said about its version (a restarted, upgraded master says so on its next connection).</summary>
    public void ReportVersion(ulong id, string build, int level)
    {
        if (id != self.Id) _versions[id] = (build, level);
    }

    private TaskCompletionSource _changed = NewSignal();

    public MasterPeer Self => self;

    /// <summary>Completes at the next change (a new peer, or an address learned); take it before reading, then read.</summary>
    public Task NextChange => Volatile.Read(ref _changed).Task;

    public IReadOnlyList<MasterPeer> All => _peers.Values.OrderBy(p => p.Id).ToList();

    public MasterPeer? Get(ulong id) => _peers.GetValueOrDefault(id);

    /// <summary>Adds or refreshes a peer; an entry with an API URL wins over one learned without.</summary>
    public bool Learn(MasterPeer peer)
    {
        if (peer.Id == self.Id) return false;
        var changed = false;
        _peers.AddOrUpdate(peer.Id, _ => { changed = true; return peer; }, (_, old) =>
        {
            var merged = new MasterPeer(peer.Id, peer.ClusterAddress.Length > 0 ? peer.ClusterAddress : old.ClusterAddress,
                peer.ApiUrl.Length > 0 ? peer.ApiUrl : old.ApiUrl);
            changed = merged != old;
            return merged;
        });
        if (changed) Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
        return changed;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
