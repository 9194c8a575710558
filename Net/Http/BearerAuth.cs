using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace MiniMesos.Net.Http;

/// <summary>Bearer-token check on every request except /health, in constant time.</summary>
internal sealed class BearerAuth(string token)
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));

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
        else if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(header[7..].Trim())), _expected))
            problem = "wrong token";
        if (problem is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"minimesos\"";
        await ApiResults.Write(context, StatusCodes.Status401Unauthorized, new ApiError(problem)).ConfigureAwait(false);
    }
}
