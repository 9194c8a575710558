using System.Text.Json.Serialization;

namespace MiniMesos.Net.Cli;

/// <summary>Source-generated JSON for `minimesos doctor --json` (snake_case like the API); only ever written, so only
/// the serializing code is generated (docs/size.md).</summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Serialization,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(DoctorReport))]
internal sealed partial class DoctorJsonContext : JsonSerializerContext;
