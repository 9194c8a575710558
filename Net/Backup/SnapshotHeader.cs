namespace MiniMesos.Net.Backup;

/// <summary>
/// What a snapshot file says about itself, in clear: which cluster and log position it holds, when and by which
/// version it was written, and how many records of each kind (so `snapshot inspect` needs no token).
/// </summary>
/// <param name="Cluster">The cluster name (--cluster) of the masters that wrote it.</param>
/// <param name="KeyId">8 bytes derived from the cluster token: which token's key encrypts the state.</param>
/// <param name="Index">The committed Raft index the state is at.</param>
/// <param name="Term">The term of that entry.</param>
/// <param name="StateFormat">The state encoding's first byte (StateSnapshotCodec's version).</param>
internal sealed record SnapshotHeader(
    string Cluster,
    byte[] KeyId,
    ulong Index,
    ulong Term,
    long CreatedAtMs,
    string WrittenBy,
    int StateFormat,
    SnapshotCounts Counts);
