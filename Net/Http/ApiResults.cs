using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace MiniMesos.Net.Http;

internal static class ApiResults
{
    public static IResult Json<T>(T value, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK) =>
        Results.Json(value, type, statusCode: status);

    public static IResult Error(int status, string error, string? field = null, string? reason = null) =>
        Results.Json(new ApiError(error, field, reason), ApiJsonContext.Api.ApiError, statusCode: status);

    public static IResult Error(int status, ApiError error) => Results.Json(error, ApiJsonContext.Api.ApiError, statusCode: status);

    public static Task Write(HttpContext context, int status, ApiError error)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, error, ApiJsonContext.Api.ApiError);
    }
}
