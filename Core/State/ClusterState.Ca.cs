namespace MiniMesos.Core.State;

/// <summary>The cluster CA (SetClusterCa): the first one committed stays; a later one changes nothing.</summary>
internal sealed partial class ClusterState
{
    public ClusterCaRecord? ClusterCa { get; private set; }

    private bool ApplyClusterCa(SetClusterCa c)
    {
        if (ClusterCa is not null || c.Ca.Certificate.Length == 0 || c.Ca.SealedKey.Length == 0) return false;
        ClusterCa = c.Ca;
        return true;
    }

    /// <summary>Replaces the CA with a snapshot's (null for a snapshot written before the cluster CA).</summary>
    public void RestoreClusterCa(ClusterCaRecord? ca) => ClusterCa = ca;
}
