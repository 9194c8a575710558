namespace MiniMesos.Core.Compression;

/// <summary>
/// zstd data that cannot be decoded (corrupt, truncated, or beyond a bound). Its own type, not InvalidDataException, so
/// a reader of the decoded bytes (the tar extractor, which reports InvalidDataException as a bad tar) lets it through
/// and the layer is reported as not decompressing.
/// </summary>
internal sealed class ZstdDataException(string message) : Exception(message);
