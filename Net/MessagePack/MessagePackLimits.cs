namespace MiniMesos.Net.MessagePack;

/// <summary>
/// Bounds a reader enforces so hostile input cannot make us recurse deeply or allocate much more than
/// the bytes it actually sent.
/// </summary>
internal sealed record MessagePackLimits
{
    public const int DefaultMaxFrameBytes = 16 * 1024 * 1024;

    /// <summary>Deepest nesting of arrays/maps accepted (a top-level array is depth 1).</summary>
    public int MaxDepth { get; init; } = 64;

    public int MaxStringBytes { get; init; } = DefaultMaxFrameBytes;

    public int MaxBinaryBytes { get; init; } = DefaultMaxFrameBytes;

    public int MaxExtensionBytes { get; init; } = DefaultMaxFrameBytes;

    /// <summary>Largest array element count or map entry count.</summary>
    public int MaxCollectionCount { get; init; } = 1_000_000;

    /// <summary>Largest input a reader accepts at all.</summary>
    public int MaxFrameBytes { get; init; } = DefaultMaxFrameBytes;

    public static MessagePackLimits Default { get; } = new();

    /// <summary>Hard ceiling on MaxDepth: the value tree recurses once per level.</summary>
    public const int MaxDepthCeiling = 1000;

    internal void Validate()
    {
        if (MaxDepth < 0 || MaxDepth > MaxDepthCeiling)
            throw new ArgumentOutOfRangeException(nameof(MaxDepth), MaxDepth, $"must be 0..{MaxDepthCeiling}");
        if (MaxStringBytes < 0 || MaxBinaryBytes < 0 || MaxExtensionBytes < 0 || MaxCollectionCount < 0 || MaxFrameBytes < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxFrameBytes), "limits must not be negative");
    }
}
