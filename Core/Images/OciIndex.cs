using System.Text.Json.Serialization;

namespace MiniMesos.Core.Images;

/// <summary>An OCI image index or a Docker manifest list (same shape), also an OCI layout's index.json.</summary>
internal sealed record OciIndex(
    [property: JsonPropertyName("schemaVersion")] int SchemaVersion,
    [property: JsonPropertyName("mediaType")] string? MediaType,
    [property: JsonPropertyName("manifests")] List<OciDescriptor>? Manifests);
