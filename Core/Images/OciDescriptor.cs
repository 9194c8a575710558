using System.Text.Json.Serialization;

namespace MiniMesos.Core.Images;

/// <summary>A content descriptor: what a blob is, its digest and its size (both checked when it is read).</summary>
internal sealed record OciDescriptor(
    [property: JsonPropertyName("mediaType")] string? MediaType,
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("platform")] OciPlatform? Platform = null,
    [property: JsonPropertyName("annotations")] Dictionary<string, string>? Annotations = null)
{
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";
}
