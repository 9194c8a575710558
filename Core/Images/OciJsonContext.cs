using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiniMesos.Core.Images;

/// <summary>
/// Source-generated JSON for image documents. Field names are given on each property (OCI mixes camelCase with
/// Docker's capitalised config keys); unknown fields are ignored, as images carry many we do not use. Only ever
/// read, so only the metadata reading needs is generated (docs/size.md).
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, MaxDepth = 32)]
[JsonSerializable(typeof(OciIndex))]
[JsonSerializable(typeof(OciManifest))]
[JsonSerializable(typeof(OciImageConfig))]
[JsonSerializable(typeof(List<DockerArchiveEntry>))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class OciJsonContext : JsonSerializerContext;
