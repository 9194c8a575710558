using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MiniMesos.Core.Images;

/// <summary>Parses image JSON documents, turning malformed ones into an error naming the document and the reason.</summary>
internal static class ImageDocuments
{
    public const int MaxDocumentBytes = 4 * 1024 * 1024;

    public static OciIndex? Index(ReadOnlySpan<byte> json, string what, out string error)
    {
        var index = Parse(json, OciJsonContext.Default.OciIndex, what, out error);
        if (index is null) return null;
        if (index.SchemaVersion != 2) { error = $"{what}: schemaVersion {index.SchemaVersion} is not supported (only 2)"; return null; }
        return index;
    }

    public static OciManifest? Manifest(ReadOnlySpan<byte> json, string what, out string error)
    {
        var manifest = Parse(json, OciJsonContext.Default.OciManifest, what, out error);
        if (manifest is null) return null;
        if (manifest.SchemaVersion != 2) { error = $"{what}: schemaVersion {manifest.SchemaVersion} is not supported (only 2; schema 1 images are obsolete)"; return null; }
        if (manifest.Config is null) { error = $"{what}: has no config descriptor"; return null; }
        if (manifest.Layers is null) { error = $"{what}: has no layers"; return null; }
        foreach (var layer in manifest.Layers)
            if (OciMediaTypes.CompressionOf(layer.MediaType) is null) { error = $"{what}: layer {layer.Digest} has media type '{layer.MediaType}', which is not an image layer MiniMesos can unpack"; return null; }
        return manifest;
    }

    public static OciImageConfig? Config(ReadOnlySpan<byte> json, string what, out string error)
    {
        var config = Parse(json, OciJsonContext.Default.OciImageConfig, what, out error);
        if (config is null) return null;
        if (config.Os is not null && config.Os != "linux") { error = $"{what}: the image is for os '{config.Os}', not linux"; return null; }
        return config;
    }

    /// <summary>The "mediaType" of a document, to tell an index from a manifest before parsing it fully (null when absent).</summary>
    public static string? MediaType(ReadOnlySpan<byte> json)
    {
        try
        {
            var element = JsonSerializer.Deserialize(json, OciJsonContext.Default.JsonElement);
            if (element.ValueKind != JsonValueKind.Object) return null;
            if (element.TryGetProperty("mediaType", out var type) && type.ValueKind == JsonValueKind.String) return type.GetString();
            // An OCI index need not name its media type; its "manifests" array tells it apart.
            return element.TryGetProperty("manifests", out _) ? OciMediaTypes.OciIndex : element.TryGetProperty("layers", out _) ? OciMediaTypes.OciManifest : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static T? Parse<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> type, string what, out string error) where T : class
    {
        error = "";
        if (json.Length > MaxDocumentBytes) { error = $"{what}: larger than {MaxDocumentBytes} bytes"; return null; }
        try
        {
            var value = JsonSerializer.Deserialize(json, type);
            if (value is null) error = $"{what}: is null";
            return value;
        }
        catch (JsonException e)
        {
            error = $"{what}: not valid JSON ({e.Message})";
            return null;
        }
    }
}
