using System.Text.Json.Serialization;

namespace MiniMesos.Core.Images;

/// <summary>An OCI image manifest or a Docker v2 schema 2 manifest (same shape): the config and the layers, bottom first.</summary>
internal sealed record OciManifest(
    [property: JsonPropertyName("schemaVersion")] int SchemaVersion,
    [property: JsonPropertyName("mediaType")] string? MediaType,
    [property: JsonPropertyName("config")] OciDescriptor? Config,
    [property: JsonPropertyName("layers")] List<OciDescriptor>? Layers);
