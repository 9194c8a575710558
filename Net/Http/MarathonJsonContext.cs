using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiniMesos.Net.Http;

/// <summary>
/// Source-generated JSON for the Marathon-compatible /v2 API. Separate from <see cref="ApiJsonContext"/> because
/// Marathon's wire names are camelCase where our own /v1 API is snake_case.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
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
internal sealed partial class MarathonJsonContext : JsonSerializerContext
{
    /// <summary>Like Default, with readable (unescaped) quotes and non-ASCII, as <see cref="ApiJsonContext.Api"/>.</summary>
    public static MarathonJsonContext Api { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
