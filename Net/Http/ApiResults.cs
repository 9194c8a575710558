using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MiniMesos.Net.Http.Server;

namespace MiniMesos.Net.Http;

internal static class ApiResults
{
    private static readonly JsonWriterOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Every JSON answer of the API (/v1 and Marathon's /v2), serialized in one piece (<see cref="BytesResult"/>).</summary>
    public static IResult Json<T>(T value, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK) =>
        new BytesResult(Serialize(value, type), status, BytesResult.JsonContentType);

    /// <summary>
    /// The JSON of a value, quotes and non-ASCII left readable ("no task 'x'" rather than "no task \u0027x\u0027"):
    /// HTML-safety escaping is pointless for an API read by curl and scripts. The writer's encoder is what escapes,
    /// so this holds for every context, including the serialization-only MarathonJsonContext.Default.
    /// </summary>
    public static byte[] Serialize<T>(T value, JsonTypeInfo<T> type)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Readable)) JsonSerializer.Serialize(writer, value, type);
        return buffer.WrittenSpan.ToArray();
    }

    public static IResult Error(int status, string error, string? field = null, string? reason = null) =>
        Json(new ApiError(error, field, reason), ApiJsonContext.Api.ApiError, status);

    public static IResult Error(int status, ApiError error) => Json(error, ApiJsonContext.Api.ApiError, status);

    public static Task Write(HttpContext context, int status, ApiError error)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = BytesResult.JsonContentType;
        return WriteBody(context, Serialize(error, ApiJsonContext.Api.ApiError));
    }

    /// <summary>Writes an already serialized body (the status and content type are the caller's).</summary>
    public static Task WriteBody(HttpContext context, byte[] body) =>
        context.Response.Body.WriteAsync(body, 0, body.Length, context.RequestAborted);
}
