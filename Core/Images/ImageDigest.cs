using MiniMesos.Core.Text;

namespace MiniMesos.Core.Images;

/// <summary>
/// A content digest as OCI writes it, "sha256:" and 64 lowercase hex digits. Only sha256 is accepted: it is what
/// every registry and image tool produces, and a digest we cannot verify must not be trusted.
/// </summary>
internal sealed record ImageDigest(string Hex)
{
    public const string Sha256Prefix = "sha256:";

    public override string ToString() => Sha256Prefix + Hex;

    /// <summary>The digest, or null with <paramref name="error"/> saying what is wrong with <paramref name="text"/>.</summary>
    public static ImageDigest? Parse(string? text, out string error)
    {
        error = "";
        if (string.IsNullOrEmpty(text)) { error = "digest is empty"; return null; }
        var colon = text.IndexOf(':');
        if (colon <= 0) { error = $"digest '{text}' must be algorithm:hex (sha256:...)"; return null; }
        var algorithm = text[..colon];
        if (algorithm != "sha256") { error = $"digest '{text}' uses '{algorithm}': only sha256 is supported"; return null; }
        var hex = text[(colon + 1)..];
        if (hex.Length != 64 || !CharChecks.All(hex, c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
        {
            error = $"digest '{text}' must have 64 lowercase hex digits after sha256:";
            return null;
        }
        return new ImageDigest(hex);
    }
}
