using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiniMesos.Net.Http;

/// <summary>
/// Source-generated JSON for /v1/jobs, in camelCase so request fields match the field paths errors name
/// ("retry.maxRetries"). Unknown request fields are refused rather than ignored.
/// </summary>
[JsonSourceGenerationOptions(
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
