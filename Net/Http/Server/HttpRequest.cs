using MiniMesos.Core.Http;

namespace MiniMesos.Net.Http.Server;

/// <summary>A request as endpoints read it: method, path (decoded), query, headers, and its body as a stream.</summary>
internal sealed class HttpRequest(HttpRequestHead head, RequestBodyStream body)
{
    /// <summary>The method; HEAD is rewritten to GET by the API's HEAD-as-GET middleware.</summary>
    public string Method { get; set; } = head.Method;

    public string Path { get; } = head.Path;

    /// <summary>The path as received, still %-encoded (the leader forwarder passes it on unchanged).</summary>
    public string RawPath { get; } = head.RawPath;

    /// <summary>"" or the raw query with its '?', as received (the leader forwarder passes it on).</summary>
    public string QueryString { get; } = head.QueryString;

    public QueryValues Query { get; } = head.QueryString.Length == 0 ? QueryValues.Empty : new(HttpTarget.TryParseQuery(head.QueryString) ?? []);

    public RequestHeaders Headers { get; } = new(head);

    public long? ContentLength => head.ContentLength;

    public bool Chunked => head.Chunked;

    public string? ContentType => head.Header("Content-Type");

    /// <summary>The body (empty when there is none); reading past the body limit throws <see cref="BadHttpRequestException"/> (413).</summary>
    public RequestBodyStream Body { get; } = body;

    /// <summary>The route's values ({id}, {**path}), set by the router.</summary>
    public IReadOnlyDictionary<string, string> RouteValues { get; set; } = new Dictionary<string, string>();
}
