using System.Net;

namespace MiniMesos.Net.Http.Server;

/// <summary>One request and its answer, as the API's middleware and endpoints see them (our server's, not ASP.NET's).</summary>
internal sealed class HttpContext(HttpRequest request, HttpResponse response, IPAddress? remote, CancellationToken aborted)
{
    public HttpRequest Request { get; } = request;
    public HttpResponse Response { get; } = response;

    /// <summary>What middleware tells later middleware and endpoints about this request.</summary>
    public Dictionary<string, object?> Items { get; } = new(StringComparer.Ordinal);

    public IPAddress? RemoteIpAddress { get; } = remote;

    /// <summary>Cancelled when the client goes away (or the server stops).</summary>
    public CancellationToken RequestAborted { get; } = aborted;
}
