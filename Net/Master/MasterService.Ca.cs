using MiniMesos.Core.State;

namespace MiniMesos.Net.Master;

/// <summary>The cluster CA in the replicated state (Net.Security.ClusterCa creates and seals it).</summary>
internal sealed partial class MasterService
{
    public ClusterCaRecord? ClusterCa
    {
        get
        {
            lock (_gate) return _state.ClusterCa;
        }
    }

    /// <summary>
    /// On the leader of a cluster without a CA: commits <paramref name="create"/>()'s CA. Returns false when it must wait
    /// (an older master that cannot read it is a voter: FeatureGateException), true when a CA is committed or already there.
    /// </summary>
    public async Task<bool> EnsureClusterCaAsync(Func<ClusterCaRecord> create, CancellationToken cancellationToken)
    {
        if (ClusterCa is not null) return true;
        if (!IsLeader) return false;
        try
        {
            await ProposeAsync(new SetClusterCa(Now(), create()), cancellationToken).ConfigureAwait(false);
        }
        catch (FeatureGateException)
        {
            return false;
        }
        return ClusterCa is not null;
    }
}
