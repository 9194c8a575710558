using System.Text;

namespace MiniMesos.Core.Routing;

/// <summary>
/// Reads the Host of an HTTP/1.x request from the bytes received so far, for virtual hosts on the shared HTTP port:
/// the header block must end ("\r\n\r\n") within <see cref="MaxHeadBytes"/>. The name is lower-cased, without port or
/// trailing dot; a request with no Host, or a malformed one, has none.
/// </summary>
internal static class HttpHead
{
    public const int MaxHeadBytes = 16 * 1024;

    public enum Result { NeedMore, Complete, Invalid }

    public static Result TryReadHost(ReadOnlySpan<byte> received, out string? host)
    {
        host = null;
        var end = received.IndexOf("\r\n\r\n"u8);
        if (end < 0) return received.Length >= MaxHeadBytes ? Result.Invalid : Result.NeedMore;
        var head = received[..end];
        var lineEnd = head.IndexOf("\r\n"u8);
        if (lineEnd <= 0) return Result.Invalid; // no request line, or only a request line (HTTP/1.0 without Host)
        var rest = head[(lineEnd + 2)..];
        while (rest.Length > 0)
        {
            var next = rest.IndexOf("\r\n"u8);
            var line = next < 0 ? rest : rest[..next];
            var colon = line.IndexOf((byte)':');
            if (colon > 0 && Ascii.EqualsIgnoreCase(line[..colon], "host"u8))
            {
                host = Normalise(Encoding.ASCII.GetString(line[(colon + 1)..]));
                return host is null ? Result.Invalid : Result.Complete;
            }
            if (next < 0) break;
            rest = rest[(next + 2)..];
        }
        return Result.Complete;
    }

    /// <summary>"Web.Home.Arpa.:8080" -> "web.home.arpa"; null for anything that is not a host name.</summary>
    public static string? Normalise(string value)
    {
        var name = value.Trim();
        if (name.StartsWith('[')) return null; // IPv6 literals are never virtual hosts
        var colon = name.LastIndexOf(':');
        if (colon >= 0) name = name[..colon];
        name = name.TrimEnd('.').ToLowerInvariant();
        if (name.Length is 0 or > 253) return null;
        foreach (var c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')) return null;
        return name;
    }
}
