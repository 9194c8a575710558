using System.Text;

namespace MiniMesos.Core.Http;

/// <summary>
/// The request target's path and query: the path percent-decoded as UTF-8 ("%2F" stays encoded so it never splits a
/// segment) with "." and ".." segments removed, the query's names and values decoded ('+' is a space). Malformed
/// escapes, invalid UTF-8 and NUL are refused rather than guessed at.
/// </summary>
internal static class HttpTarget
{
    public static bool TrySplit(string target, out string path, out string rawPath, out string query, out string? problem)
    {
        var mark = target.IndexOf('?');
        rawPath = mark < 0 ? target : target[..mark];
        query = mark < 0 ? "" : target[mark..];
        path = "";
        if (target.Contains('#'))
        {
            problem = "the request target must not have a fragment ('#')";
            return false;
        }
        if (!TryDecode(rawPath, plusIsSpace: false, keepSlash: true, out var decoded))
        {
            problem = "the path has a malformed %-escape (or one that is not UTF-8, or NUL)";
            return false;
        }
        if (mark >= 0 && TryParseQuery(query) is null)
        {
            problem = "the query has a malformed %-escape (or one that is not UTF-8, or NUL)";
            return false;
        }
        path = RemoveDotSegments(decoded);
        problem = null;
        return true;
    }

    /// <summary>"?a=1&amp;b=x+y&amp;a=2" -> a: [1, 2], b: ["x y"]; null when an escape is malformed.</summary>
    public static Dictionary<string, List<string>>? TryParseQuery(string query)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in query.TrimStart('?').Split('&'))
        {
            if (pair.Length == 0) continue;
            var equals = pair.IndexOf('=');
            if (!TryDecode(equals < 0 ? pair : pair[..equals], true, false, out var name)
                || !TryDecode(equals < 0 ? "" : pair[(equals + 1)..], true, false, out var value)) return null;
            if (!result.TryGetValue(name, out var values)) result[name] = values = [];
            values.Add(value);
        }
        return result;
    }

    private static bool TryDecode(string text, bool plusIsSpace, bool keepSlash, out string decoded)
    {
        decoded = text;
        if (text.IndexOf('%') < 0 && !(plusIsSpace && text.Contains('+'))) return true;
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '+' && plusIsSpace) bytes.Add((byte)' ');
            else if (c != '%') bytes.Add((byte)c);
            else
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2])) return false;
                var b = Convert.ToByte(text.Substring(i + 1, 2), 16);
                if (b == 0) return false;
                if (b == (byte)'/' && keepSlash) bytes.AddRange("%2F"u8);
                else bytes.Add(b);
                i += 2;
            }
        }
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>"/a/./b/../c" -> "/a/c" (RFC 3986 5.2.4, as Kestrel does): a path cannot climb above "/".</summary>
    private static string RemoveDotSegments(string path)
    {
        if (!path.Contains("/.", StringComparison.Ordinal)) return path;
        var output = new List<string>();
        var segments = path[1..].Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            if (segments[i] == ".") { if (last) output.Add(""); }
            else if (segments[i] == "..")
            {
                if (output.Count > 0) output.RemoveAt(output.Count - 1);
                if (last) output.Add("");
            }
            else output.Add(segments[i]);
        }
        return "/" + string.Join('/', output);
    }
}
