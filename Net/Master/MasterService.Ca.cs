using MiniMesos.Core.State;

namespace MiniMesos.Net.Master;

/// <summary>The cluster CA in the replicated state (Net.Security.ClusterCa creates and seals it).</summary>
internal sealed partial class MasterService
{
    public ClusterCaRecord? ClusterCa
    {
        get
        {
            return Read(s => s.ClusterCa);
        }
    }

    /// <summary>
    /// Completes once the replicated state holds a cluster CA other than <paramref name="known"/> (on a follower: when the CA
    /// the leader committed has been applied here), or when cancelled.
    /// </summary>
    public async Task WaitForClusterCaAsync(ClusterCaRecord? known, CancellationToken cancellationToken)
    {
        while (true)
        {
            // The signal first, then the state: a CA applied in between completes the signal, so it is not missed.
            var changed = WaitForChangeAsync(cancellationToken);
            if (ClusterCa is { } ca && !ReferenceEquals(ca, known)) return;
            await changed.ConfigureAwait(false);
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

    /// <summary>The rotated agent secret, sealed (null: the cluster uses the one derived from the admin secret).</summary>
    public byte[]? SealedAgentSecret
    {
        get
        {
            return Read(s => s.SealedAgentSecret);
        }
    }

    /// <summary>On the leader: commits a new agent secret (sealed by the caller); agents connected keep their sessions.</summary>
    public Task RotateAgentSecretAsync(byte[] sealedSecret, CancellationToken cancellationToken) =>
        ProposeAsync(new SetAgentSecret(Now(), sealedSecret), cancellationToken);

    /// <summary>The admin secret's latest rotation (null: none since the cluster, or its restored state, began).</summary>
    public AdminRotationRecord? AdminRotation
    {
        get
        {
            return Read(s => s.AdminRotation);
        }
    }

    /// <summary>On the leader: commits a new admin secret (Net.Security.RoleSecrets.NewAdminSecret built the entry).</summary>
    public Task RotateAdminSecretAsync(SetAdminSecret command, CancellationToken cancellationToken) => ProposeAsync(command, cancellationToken);
}
