using MiniMesos.Net.Http.Server;

namespace MiniMesos.Net.Http;

/// <summary>
/// An answer whose body is already in memory, written with its Content-Length: every JSON answer
/// (<see cref="ApiResults.Json{T}"/>, serialized up front, which takes the source generator's fast path and lets
/// output-only contexts be generated for serialization alone), plain text (/metrics, /ping) and the snapshot download.
/// </summary>
internal sealed class BytesResult(byte[] body, int status, string contentType) : IResult
{
    public const string JsonContentType = "application/json; charset=utf-8";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length, httpContext.RequestAborted);
    }
}
