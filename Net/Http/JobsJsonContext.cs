using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiniMesos.Net.Http;

/// <summary>
/// Source-generated JSON for /v1/jobs, in camelCase so request fields match the field paths errors name
/// ("retry.maxRetries"). Unknown request fields are refused rather than ignored. Metadata only, like
/// <see cref="ApiJsonContext"/>: <see cref="Api"/>'s options never allow the generator's fast serializing code.
/// </summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Metadata,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(JobRequest))]
[JsonSerializable(typeof(JobView))]
[JsonSerializable(typeof(JobList))]
internal sealed partial class JobsJsonContext : JsonSerializerContext
{
    public static JobsJsonContext Api { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = 16,
    });
}
