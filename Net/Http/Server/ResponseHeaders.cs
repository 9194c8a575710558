namespace MiniMesos.Net.Http.Server;

/// <summary>
/// An answer's headers in the order set (a name set again replaces its values). Values must be visible ASCII or
/// spaces: a CR or LF from anywhere (a task's name, a header copied from the leader) can never split the head.
/// </summary>
internal sealed class ResponseHeaders
{
    private readonly List<KeyValuePair<string, string>> _headers = [];

    /// <summary>The header's values joined with ", " ("" when absent); setting replaces them (null or "" removes it).</summary>
    public string this[string name]
    {
        get => string.Join(", ", _headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value));
        set => Set(name, string.IsNullOrEmpty(value) ? [] : [value]);
    }

    /// <summary>Replaces a header with one line per value.</summary>
    public void Set(string name, IEnumerable<string> values)
    {
        foreach (var c in name)
            if (c is <= ' ' or >= '\x7f' or ':') throw new InvalidOperationException($"invalid response header name '{name}'");
        var checkedValues = values.ToList();
        foreach (var value in checkedValues)
            foreach (var c in value)
                if (c is < ' ' and not '\t' or >= '\x7f') throw new InvalidOperationException($"invalid character in the value of response header {name}");
        _headers.RemoveAll(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
        foreach (var value in checkedValues) _headers.Add(new(name, value));
    }

    public bool Contains(string name) => _headers.Exists(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase));

    public IReadOnlyList<KeyValuePair<string, string>> All => _headers;

    public string CacheControl { set => this["Cache-Control"] = value; }
    public string Location { set => this["Location"] = value; }
    public string WWWAuthenticate { set => this["WWW-Authenticate"] = value; }
    public string ContentSecurityPolicy { set => this["Content-Security-Policy"] = value; }
    public string XContentTypeOptions { set => this["X-Content-Type-Options"] = value; }
    public string XFrameOptions { set => this["X-Frame-Options"] = value; }
    public string Allow { set => this["Allow"] = value; }
    public string ContentType { set => this["Content-Type"] = value; }
    public string ETag { set => this["ETag"] = value; }
}
