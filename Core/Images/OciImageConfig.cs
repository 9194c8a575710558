using System.Text.Json.Serialization;

namespace MiniMesos.Core.Images;

/// <summary>The image configuration blob (OCI and Docker write the same fields): platform, runtime defaults, layer diff IDs.</summary>
internal sealed record OciImageConfig(
    [property: JsonPropertyName("architecture")] string? Architecture,
    [property: JsonPropertyName("os")] string? Os,
    [property: JsonPropertyName("variant")] string? Variant,
    [property: JsonPropertyName("config")] OciRuntimeConfig? Config,
    [property: JsonPropertyName("rootfs")] OciRootfs? Rootfs);

/// <summary>The runtime defaults an image carries (Docker capitalises these names).</summary>
internal sealed record OciRuntimeConfig(
    [property: JsonPropertyName("User")] string? User = null,
    [property: JsonPropertyName("Env")] List<string>? Env = null,
    [property: JsonPropertyName("Entrypoint")] List<string>? Entrypoint = null,
    [property: JsonPropertyName("Cmd")] List<string>? Cmd = null,
    [property: JsonPropertyName("WorkingDir")] string? WorkingDir = null);

/// <summary>The uncompressed digests of the layers, bottom first.</summary>
internal sealed record OciRootfs(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("diff_ids")] List<string>? DiffIds);
