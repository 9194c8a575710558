using System.Text;

namespace MiniMesos.Core.Http;

/// <summary>
/// Parses an HTTP/1.x request head from the bytes received so far (pure: the server does the reading). Strict where
/// laxness is a smuggling or injection risk: CRLF line ends only, no folded headers, no control characters in values,
/// one framing (Content-Length or chunked, never both), Content-Length digits only and within a long, one valid Host
/// (required in HTTP/1.1).
/// </summary>
internal static class HttpRequestParser
{
    public enum Result { NeedMore, Complete, Invalid }

    /// <param name="consumed">The bytes of the head (request line to the empty line), when complete.</param>
    public static Result TryParse(ReadOnlySpan<byte> received, HttpLimits limits, out HttpRequestHead? head, out int consumed,
        out HttpParseError? error)
    {
        head = null;
        consumed = 0;
        error = null;
        var lineEnd = received.IndexOf((byte)'\n');
        if (lineEnd < 0 || lineEnd > limits.MaxRequestLineBytes)
        {
            if (lineEnd < 0 && received.Length <= limits.MaxRequestLineBytes) return Result.NeedMore;
            error = new HttpParseError(414, "the request line is too long");
            return Result.Invalid;
        }
        if (!TryLine(received, lineEnd, out var requestLine, ref error) || !TryRequestLine(requestLine, out var method, out var target, out var http10, ref error))
            return Result.Invalid;

        var headers = new List<KeyValuePair<string, string>>();
        var start = lineEnd + 1;
        var position = start;
        while (true)
        {
            var rest = received[position..];
            var end = rest.IndexOf((byte)'\n');
            if (end < 0 || position - start + end > limits.MaxHeaderBytes)
            {
                if (end < 0 && position - start + rest.Length <= limits.MaxHeaderBytes) return Result.NeedMore;
                error = new HttpParseError(431, "the request headers are too large");
                return Result.Invalid;
            }
            if (!TryLine(rest, end, out var line, ref error)) return Result.Invalid;
            position += end + 1;
            if (line.IsEmpty) break;
            if (headers.Count == limits.MaxHeaders)
            {
                error = new HttpParseError(431, $"more than {limits.MaxHeaders} request headers");
                return Result.Invalid;
            }
            if (!TryHeader(line, out var header, ref error)) return Result.Invalid;
            headers.Add(header);
        }
        if (!HttpTarget.TrySplit(target, out var path, out var rawPath, out var query, out var targetProblem))
        {
            error = new HttpParseError(400, targetProblem!);
            return Result.Invalid;
        }
        if (!TryHost(headers, http10, ref error) || !TryFraming(headers, http10, out var length, out var chunked, ref error))
            return Result.Invalid;
        head = new HttpRequestHead(method, path, rawPath, query, http10, headers, length, chunked);
        consumed = position;
        return Result.Complete;
    }

    /// <summary>The line before the '\n' at <paramref name="end"/>, which must be preceded by '\r'.</summary>
    private static bool TryLine(ReadOnlySpan<byte> data, int end, out ReadOnlySpan<byte> line, ref HttpParseError? error)
    {
        line = default;
        if (end == 0 || data[end - 1] != (byte)'\r')
        {
            error = new HttpParseError(400, "lines must end with CRLF");
            return false;
        }
        line = data[..(end - 1)];
        return true;
    }

    private static bool TryRequestLine(ReadOnlySpan<byte> line, out string method, out string target, out bool http10, ref HttpParseError? error)
    {
        method = target = "";
        http10 = false;
        var first = line.IndexOf((byte)' ');
        var last = line.LastIndexOf((byte)' ');
        if (first <= 0 || last == first)
        {
            error = new HttpParseError(400, "the request line must be 'METHOD TARGET HTTP/1.1'");
            return false;
        }
        var methodBytes = line[..first];
        var targetBytes = line[(first + 1)..last];
        var version = line[(last + 1)..];
        foreach (var b in methodBytes)
            if (!IsTokenChar(b))
            {
                error = new HttpParseError(400, "the method is not a token");
                return false;
            }
        if (targetBytes.IsEmpty || targetBytes[0] != (byte)'/')
        {
            error = new HttpParseError(400, "the request target must be a path starting with '/'");
            return false;
        }
        foreach (var b in targetBytes)
            if (b is <= 0x20 or >= 0x7F)
            {
                error = new HttpParseError(400, "the request target has a character that is not visible ASCII");
                return false;
            }
        if (version.SequenceEqual("HTTP/1.1"u8)) http10 = false;
        else if (version.SequenceEqual("HTTP/1.0"u8)) http10 = true;
        else
        {
            error = version.StartsWith("HTTP/"u8)
                ? new HttpParseError(505, "only HTTP/1.1 and HTTP/1.0 are served")
                : new HttpParseError(400, "the request line must end with the version (HTTP/1.1)");
            return false;
        }
        method = Encoding.ASCII.GetString(methodBytes);
        target = Encoding.ASCII.GetString(targetBytes);
        return true;
    }

    private static bool TryHeader(ReadOnlySpan<byte> line, out KeyValuePair<string, string> header, ref HttpParseError? error)
    {
        header = default;
        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            error = new HttpParseError(400, line.Length > 0 && line[0] is (byte)' ' or (byte)'\t'
                ? "folded header lines are not accepted" : "a header line has no name");
            return false;
        }
        foreach (var b in line[..colon])
            if (!IsTokenChar(b))
            {
                error = new HttpParseError(400, "a header name has a character that is not allowed (spaces before ':' included)");
                return false;
            }
        var value = line[(colon + 1)..].Trim(" \t"u8);
        foreach (var b in value)
            if (b is < 0x20 and not (byte)'\t' or 0x7F)
            {
                error = new HttpParseError(400, "a header value has a control character");
                return false;
            }
        header = new(Encoding.ASCII.GetString(line[..colon]), Encoding.Latin1.GetString(value));
        return true;
    }

    /// <summary>One valid Host (RFC 9112 3.2): required in HTTP/1.1, optional in HTTP/1.0, never twice or malformed.</summary>
    private static bool TryHost(List<KeyValuePair<string, string>> headers, bool http10, ref HttpParseError? error)
    {
        string? host = null;
        foreach (var (name, value) in headers)
        {
            if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            if (host is not null)
            {
                error = new HttpParseError(400, "more than one Host header");
                return false;
            }
            host = value;
        }
        if (host is null)
        {
            if (http10) return true;
            error = new HttpParseError(400, "missing Host header (HTTP/1.1 requires one)");
            return false;
        }
        if (HttpHost.Problem(host) is { } problem)
        {
            error = new HttpParseError(400, $"invalid Host header: {problem}");
            return false;
        }
        return true;
    }

    /// <summary>Content-Length (one value, digits only, within a long) or Transfer-Encoding: chunked, never both.</summary>
    private static bool TryFraming(List<KeyValuePair<string, string>> headers, bool http10, out long? length, out bool chunked,
        ref HttpParseError? error)
    {
        length = null;
        chunked = false;
        string? encoding = null;
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (value.Length is 0 or > 18 || !value.All(char.IsAsciiDigit))
                {
                    error = new HttpParseError(400, "Content-Length must be a whole number of bytes");
                    return false;
                }
                var parsed = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                if (length is { } earlier && earlier != parsed)
                {
                    error = new HttpParseError(400, "Content-Length is given twice with different values");
                    return false;
                }
                length = parsed;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                encoding = encoding is null ? value : encoding + ", " + value;
        }
        if (encoding is null) return true;
        if (http10 || length is not null)
        {
            error = new HttpParseError(400, http10 ? "Transfer-Encoding is not HTTP/1.0" : "Content-Length and Transfer-Encoding together are not accepted");
            return false;
        }
        if (!encoding.Trim().Equals("chunked", StringComparison.OrdinalIgnoreCase))
        {
            error = new HttpParseError(501, "the only Transfer-Encoding accepted is chunked");
            return false;
        }
        chunked = true;
        return true;
    }

    private static bool IsTokenChar(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%' or (byte)'&' or (byte)'\'' or (byte)'*' or (byte)'+' or (byte)'-'
            or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~';
}
