using System.Text.Json.Serialization;

namespace MiniMesos.Net.Http;

/// <summary>
/// Source-generated JSON for the Marathon-compatible /v2 API. Separate from <see cref="ApiJsonContext"/> because
/// Marathon's wire names are camelCase where our own /v1 API is snake_case. Every type here is only ever written
/// (posted definitions are read field by field into our own model), so only the fast serializing code is generated,
/// not the property metadata that reading (or writing to a stream) needs (docs/size.md). Write with
/// <see cref="ApiResults.Json{T}"/> or <see cref="ApiResults.Serialize{T}"/> (a writer that leaves quotes and non-ASCII
/// readable, as /v1 does) or into such a writer: JsonSerializer.SerializeAsync would need the metadata and throws.
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Serialization,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MarathonApp))]
[JsonSerializable(typeof(MarathonAppEnvelope))]
[JsonSerializable(typeof(MarathonAppList))]
[JsonSerializable(typeof(MarathonTaskList))]
[JsonSerializable(typeof(MarathonTaskEnvelope))]
[JsonSerializable(typeof(MarathonLeader))]
[JsonSerializable(typeof(MarathonMessage))]
[JsonSerializable(typeof(MarathonGroup))]
[JsonSerializable(typeof(MarathonQueue))]
[JsonSerializable(typeof(MarathonVersionList))]
[JsonSerializable(typeof(MarathonChange))]
[JsonSerializable(typeof(IReadOnlyList<MarathonDeployment>))]
[JsonSerializable(typeof(MarathonInfo))]
[JsonSerializable(typeof(MarathonError))]
internal sealed partial class MarathonJsonContext : JsonSerializerContext;
