using Microsoft.AspNetCore.Http;

namespace MiniMesos.Net.Http;

/// <summary>
/// A JSON answer serialized up front (<see cref="ApiResults.Json{T}"/>): the same status, content type and body as
/// Results.Json, with a Content-Length. Serializing synchronously takes the source generator's fast path, which is
/// what lets output-only contexts be generated for serialization alone (docs/size.md).
/// </summary>
internal sealed class JsonBytesResult(byte[] body, int status) : IResult
{
    public const string ContentType = "application/json; charset=utf-8";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length, httpContext.RequestAborted);
    }
}
