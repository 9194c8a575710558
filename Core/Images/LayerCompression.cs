namespace MiniMesos.Core.Images;

/// <summary>How a layer blob is compressed.</summary>
internal enum LayerCompression
{
    None,
    Gzip,
    /// <summary>Recognised but not unpacked yet: .NET 10 has no zstd decoder (refused with a message naming the layer).</summary>
    Zstd,
}
