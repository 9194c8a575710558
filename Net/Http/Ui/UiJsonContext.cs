using System.Text.Json.Serialization;

namespace MiniMesos.Net.Http.Ui;

/// <summary>Source-generated JSON for the UI's login endpoints (snake_case like the rest of /v1).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UiLoginCode))]
[JsonSerializable(typeof(UiSession))]
[JsonSerializable(typeof(WhoAmI))]
[JsonSerializable(typeof(UiCodeRequest))]
internal sealed partial class UiJsonContext : JsonSerializerContext;
