namespace MiniMesos.Core.State;

/// <summary>
/// The latest admin-token rotation (SetAdminSecret) as the replicated state keeps it: the new admin secret sealed under a
/// key derived from the one before it (Net.Security.AdminSecret), and the 8-byte key ids of both, so a master tells which
/// secret it holds without unsealing anything. A master that still holds the previous secret learns the new one from it.
/// </summary>
/// <param name="PreviousKeyId">Key id of the admin secret the new one is sealed under.</param>
/// <param name="NewKeyId">Key id of the new admin secret.</param>
/// <param name="SealedNew">The new admin secret, sealed under the previous one.</param>
/// <param name="AtMs">When it was committed (the previous secret's grace period for masters starts here).</param>
internal sealed record AdminRotationRecord(byte[] PreviousKeyId, byte[] NewKeyId, byte[] SealedNew, long AtMs);
