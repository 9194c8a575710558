using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace MiniMesos.Net.Http;

/// <summary>
/// Bearer-token check on every request except /health, in constant time. The admin token may do anything; a
/// read-only token may only read (GET/HEAD, which includes the log and event streams): a write gets 403.
/// </summary>
internal sealed class BearerAuth(string token, IReadOnlyList<string>? readTokens = null)
{
    private readonly byte[] _admin = Hash(token);
    private readonly byte[][] _readOnly = (readTokens ?? []).Select(Hash).ToArray();

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.Equals("/health", StringComparison.Ordinal) || context.Request.Path.Equals("/ping", StringComparison.Ordinal))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        var header = context.Request.Headers.Authorization.ToString();
        string? problem = null;
        if (header.Length == 0)
            problem = "missing bearer token: send 'Authorization: Bearer <token>' (the token the master printed at start, or MINIMESOS_TOKEN for the CLI)";
        else if (Token(header) is not { } token)
            problem = "the Authorization header must be 'Bearer <token>' (or 'token=<token>', as DC/OS clients send it)";
        else
        {
            var given = Hash(token);
            if (CryptographicOperations.FixedTimeEquals(given, _admin))
            {
                await next(context).ConfigureAwait(false);
                return;
            }
            if (_readOnly.Any(t => CryptographicOperations.FixedTimeEquals(given, t)))
            {
                if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                {
                    await next(context).ConfigureAwait(false);
                    return;
                }
                await Write(context, StatusCodes.Status403Forbidden,
                    $"read-only token: {context.Request.Method} {context.Request.Path} changes the cluster and needs the admin token").ConfigureAwait(false);
                return;
            }
            problem = "wrong token";
        }
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"minimesos\"";
        await Write(context, StatusCodes.Status401Unauthorized, problem).ConfigureAwait(false);
    }

    /// <summary>The token of "Bearer T" or of DC/OS' "token=T" (Marathon clients of that era send the latter).</summary>
    private static string? Token(string header)
    {
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header[7..].Trim();
        if (header.StartsWith("token=", StringComparison.OrdinalIgnoreCase)) return header[6..].Trim();
        return null;
    }

    /// <summary>Marathon's paths get Marathon's error shape, the rest ours.</summary>
    private static Task Write(HttpContext context, int status, string message)
    {
        if (!ApiServer.IsMarathon(context.Request.Path)) return ApiResults.Write(context, status, new ApiError(message));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return System.Text.Json.JsonSerializer.SerializeAsync(context.Response.Body, new MarathonError(message), MarathonJsonContext.Api.MarathonError);
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
