using System.Text.Json.Serialization;

namespace MiniMesos.Core.Images;

/// <summary>An image index entry's platform ("linux", "arm64", "v8").</summary>
internal sealed record OciPlatform(
    [property: JsonPropertyName("architecture")] string? Architecture,
    [property: JsonPropertyName("os")] string? Os,
    [property: JsonPropertyName("variant")] string? Variant = null)
{
    public override string ToString() => $"{Os}/{Architecture}" + (string.IsNullOrEmpty(Variant) ? "" : "/" + Variant);

    /// <summary>"linux/arm64", "linux/arm/v7": the platform, or null with <paramref name="error"/>.</summary>
    public static OciPlatform? Parse(string text, out string error)
    {
        error = "";
        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
        {
            error = $"platform '{text}' must be os/architecture[/variant], e.g. linux/arm64 or linux/arm/v7";
            return null;
        }
        return new OciPlatform(parts[1], parts[0], parts.Length == 3 ? parts[2] : null);
    }
}
