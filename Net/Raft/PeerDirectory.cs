using System.Collections.Concurrent;

namespace MiniMesos.Net.Raft;

/// <summary>The masters this one knows of (itself included), learned from --join, handshakes and gossip.</summary>
internal sealed class PeerDirectory(MasterPeer self)
{
    private readonly ConcurrentDictionary<ulong, MasterPeer> _peers = new() { [self.Id] = self };

    public MasterPeer Self => self;

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
        return changed;
    }
}
