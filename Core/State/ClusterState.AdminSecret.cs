namespace MiniMesos.Core.State;

/// <summary>
/// The admin secret's rotation (SetAdminSecret): one entry carries the new secret sealed under the old one, and re-seals
/// under the new one everything that was sealed under the old one (the CA's key, the agent secret), so the state never
/// holds a secret only the old token opens.
/// </summary>
internal sealed partial class ClusterState
{
    /// <summary>The latest rotation; null while the cluster runs on the admin secret it was created with (or a restored one).</summary>
    public AdminRotationRecord? AdminRotation { get; private set; }

    private bool ApplyAdminSecret(SetAdminSecret c)
    {
        // Without a CA there is nothing to re-seal and no token to print: the API does not offer it then.
        if (ClusterCa is not { } ca || c.CaSealedKey.Length == 0 || c.SealedAgentSecret.Length == 0 || c.Rotation.SealedNew.Length == 0) return false;
        // A rotation proposed from a state that had already moved on (two at once) is sealed under a retired secret: refused.
        if (AdminRotation is { } last && !last.NewKeyId.AsSpan().SequenceEqual(c.Rotation.PreviousKeyId)) return false;
        ClusterCa = ca with { SealedKey = c.CaSealedKey };
        SealedAgentSecret = c.SealedAgentSecret;
        AdminRotation = c.Rotation with { AtMs = c.AtMs };
        return true;
    }

    /// <summary>Replaces the rotation record with a snapshot's (null for a snapshot without one).</summary>
    public void RestoreAdminRotation(AdminRotationRecord? rotation) => AdminRotation = rotation;
}
