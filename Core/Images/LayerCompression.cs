namespace MiniMesos.Core.Images;

/// <summary>How a layer blob is compressed.</summary>
internal enum LayerCompression
{
    None,
    Gzip,
    /// <summary>Unpacked with ZstdSharp (a managed port of the zstd decoder: .NET 10 has none).</summary>
    Zstd,
}
