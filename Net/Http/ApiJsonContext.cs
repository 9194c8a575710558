using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiniMesos.Net.Http;

/// <summary>
/// Source-generated JSON for every API shape: no reflection, so Native AOT stays warning-free. Metadata only: the
/// fast serializing code the generator would add is never used, because <see cref="Api"/>'s options (the readable
/// encoder) differ from the generated ones (docs/size.md).
/// </summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Metadata,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(TaskView))]
[JsonSerializable(typeof(FrameworkList))]
[JsonSerializable(typeof(TaskList))]
[JsonSerializable(typeof(AgentList))]
[JsonSerializable(typeof(AgentView))]
[JsonSerializable(typeof(StatusView))]
[JsonSerializable(typeof(MasterList))]
[JsonSerializable(typeof(Core.State.ClusterEvent))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(HealthView))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(TaskSubmitRequest))]
[JsonSerializable(typeof(RoleList))]
[JsonSerializable(typeof(RoleView))]
[JsonSerializable(typeof(Backup.SnapshotInfo))]
[JsonSerializable(typeof(TokenView))]
internal sealed partial class ApiJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The instance to use: like Default, but leaves quotes and non-ASCII readable ("no task 'x'" rather
    /// than "no task \u0027x\u0027"); HTML-safety escaping is pointless for an API read by curl and scripts.
    /// </summary>
    public static ApiJsonContext Api { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
