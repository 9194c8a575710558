using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace MiniMesos.Net.Http;

/// <summary>
/// Bearer-token check on every request except /health, in constant time. The admin token may do anything; a
/// read-only token may only read (GET/HEAD, which includes the log and event streams): a write gets 403, and so does
/// /v1/snapshot (a backup of the whole state).
/// </summary>
internal sealed class BearerAuth(string token, IReadOnlyList<string>? readTokens = null)
{
    private readonly byte[] _admin = Hash(token);
    private readonly byte[][] _readOnly = (readTokens ?? []).Select(Hash).ToArray();

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.Equals("/health", StringComparison.Ordinal))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        var header = context.Request.Headers.Authorization.ToString();
        string? problem = null;
        if (header.Length == 0)
            problem = "missing bearer token: send 'Authorization: Bearer <token>' (the token the master printed at start, or MINIMESOS_TOKEN for the CLI)";
        else if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            problem = "the Authorization header must be 'Bearer <token>'";
        else
        {
            var given = Hash(header[7..].Trim());
            if (CryptographicOperations.FixedTimeEquals(given, _admin))
            {
                await next(context).ConfigureAwait(false);
                return;
            }
            if (_readOnly.Any(t => CryptographicOperations.FixedTimeEquals(given, t)))
            {
                // A backup holds the whole state, secrets in task environments included (sealed with the admin token's key).
                if (context.Request.Path.StartsWithSegments("/v1/snapshot"))
                {
                    await ApiResults.Write(context, StatusCodes.Status403Forbidden, new ApiError(
                        "read-only token: a snapshot of the cluster state needs the admin token")).ConfigureAwait(false);
                    return;
                }
                if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                {
                    await next(context).ConfigureAwait(false);
                    return;
                }
                await ApiResults.Write(context, StatusCodes.Status403Forbidden, new ApiError(
                    $"read-only token: {context.Request.Method} {context.Request.Path} changes the cluster and needs the admin token")).ConfigureAwait(false);
                return;
            }
            problem = "wrong token";
        }
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"minimesos\"";
        await ApiResults.Write(context, StatusCodes.Status401Unauthorized, new ApiError(problem)).ConfigureAwait(false);
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
