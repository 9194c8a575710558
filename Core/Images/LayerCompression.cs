namespace MiniMesos.Core.Images;

/// <summary>How a layer blob is compressed.</summary>
internal enum LayerCompression
{
    None,
    Gzip,
    /// <summary>Unpacked by our own zstd decoder (Core/Compression/ZstdDecoderStream.cs: .NET 10 has none).</summary>
    Zstd,
}
