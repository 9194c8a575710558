namespace MiniMesos.Core.State;

/// <summary>The rotated agent secret (SetAgentSecret), sealed; null while the cluster uses the one derived from the admin secret.</summary>
internal sealed partial class ClusterState
{
    public byte[]? SealedAgentSecret { get; private set; }

    private bool ApplyAgentSecret(SetAgentSecret c)
    {
        if (c.Sealed.Length == 0) return false;
        SealedAgentSecret = c.Sealed;
        return true;
    }

    /// <summary>Replaces the sealed agent secret with a snapshot's (null for a snapshot without one).</summary>
    public void RestoreAgentSecret(byte[]? sealedSecret) => SealedAgentSecret = sealedSecret;
}
