namespace MiniMesos.Core.State;

/// <summary>
/// The cluster CA as the replicated state holds it: the certificate (DER) and its private key sealed under a key derived
/// from the cluster's admin secret (Net.Security.ClusterCa), so the state (a copied raft.db, a backup) alone does not
/// yield the key.
/// </summary>
internal sealed record ClusterCaRecord(byte[] Certificate, byte[] SealedKey);
