using MiniMesos.Core.Images;

namespace MiniMesos.Isolation.Images;

/// <summary>One layer of an image: the blob's name in its source, its digest and compression, and the diff ID its content must have.</summary>
internal sealed record ImageLayer(string SourceName, ImageDigest Blob, long? Size, LayerCompression Compression, ImageDigest DiffId);
