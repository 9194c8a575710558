namespace MiniMesos.Core.Http;

/// <summary>
/// A parsed HTTP/1.x request head: the method, the path (percent-decoded, "%2F" kept encoded so a segment never
/// splits; "." and ".." segments removed), the path as received (for passing the request on unchanged), the raw
/// query ("" or "?a=b"), the version, the headers in arrival order, and how the body is framed.
/// </summary>
internal sealed record HttpRequestHead(
    string Method,
    string Path,
    string RawPath,
    string QueryString,
    bool Http10,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    long? ContentLength,
    bool Chunked)
{
    /// <summary>The values of a header (case-insensitive name) joined with ", ", or null when it is absent.</summary>
    public string? Header(string name)
    {
        string? joined = null;
        foreach (var (key, value) in Headers)
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase)) joined = joined is null ? value : joined + ", " + value;
        return joined;
    }

    /// <summary>Whether the connection stays open after the answer (HTTP/1.1 unless "close", HTTP/1.0 only with "keep-alive").</summary>
    public bool KeepAlive => Header("Connection") is { } connection
        ? Http10 ? HasToken(connection, "keep-alive") : !HasToken(connection, "close")
        : !Http10;

    /// <summary>Whether the client waits for "100 Continue" before it sends the body.</summary>
    public bool ExpectsContinue => !Http10 && Header("Expect") is { } expect && HasToken(expect, "100-continue");

    private static bool HasToken(string list, string token)
    {
        foreach (var part in list.Split(','))
            if (part.Trim().Equals(token, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
