using System.Globalization;

namespace MiniMesos.Core.Http;

/// <summary>A chunked body's size line ("1a3f" or "1a3f;ext=x", without its CRLF): the size, or null when malformed or absurd.</summary>
internal static class HttpChunkHeader
{
    /// <summary>The largest chunk accepted: 4 GiB, far above any body limit of the API.</summary>
    public const long MaxChunkBytes = 1L << 32;

    public static long? TryParseSize(ReadOnlySpan<char> line)
    {
        var semicolon = line.IndexOf(';');
        var digits = (semicolon < 0 ? line : line[..semicolon]).TrimEnd(" \t");
        if (digits.Length is 0 or > 10) return null;
        foreach (var c in digits)
            if (!char.IsAsciiHexDigit(c)) return null;
        var size = long.Parse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return size <= MaxChunkBytes ? size : null;
    }
}
