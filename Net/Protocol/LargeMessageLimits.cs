using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// Reader limits for the two things that may outgrow one frame: a Raft message joined from chunks
/// (<see cref="Raft.RaftChunkAssembler"/>) and the state snapshot it carries. Both come from a master that
/// passed the handshake (or from this master's own disk), and their size is capped before anything is read.
/// </summary>
internal static class LargeMessageLimits
{
    /// <summary>The largest Raft message (and so state snapshot) masters exchange: 1 GiB.</summary>
    public const int MaxBytes = 1 << 30;

    public static MessagePackLimits Reader { get; } = MessagePackLimits.Default with
    {
        MaxFrameBytes = MaxBytes,
        MaxBinaryBytes = MaxBytes,
        MaxCollectionCount = 1 << 24,
    };
}
