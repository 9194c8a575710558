using MiniMesos.Core.Http;

namespace MiniMesos.Net.Http.Server;

/// <summary>A request's headers by name (case-insensitive); a repeated header's values are joined with ", ".</summary>
internal sealed class RequestHeaders(HttpRequestHead head)
{
    /// <summary>The header's value, or "" when it is absent.</summary>
    public string this[string name] => head.Header(name) ?? "";

    public bool ContainsKey(string name) => head.Header(name) is not null;

    public bool TryGetValue(string name, out string value)
    {
        value = head.Header(name) ?? "";
        return head.Header(name) is not null;
    }

    public string Authorization => this["Authorization"];

    /// <summary>The entity tags of If-None-Match.</summary>
    public IReadOnlyList<string> IfNoneMatch =>
        this["If-None-Match"].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
