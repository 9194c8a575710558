using System.Text.Json.Serialization;

namespace MiniMesos.Core.Images;

/// <summary>One image in a docker save tarball's manifest.json: its config file and layer files, bottom first.</summary>
internal sealed record DockerArchiveEntry(
    [property: JsonPropertyName("Config")] string Config,
    [property: JsonPropertyName("RepoTags")] List<string>? RepoTags,
    [property: JsonPropertyName("Layers")] List<string> Layers);
