using System.Security.Cryptography;
using System.Text;
using MiniMesos.Net.Http.Server;
using Microsoft.Extensions.Logging;
using MiniMesos.Net.Http.Ui;

namespace MiniMesos.Net.Http;

/// <summary>
/// Bearer-token check on every request except /health, in constant time. The admin token may do anything; a
/// read-only token may only read (GET/HEAD, which includes the log and event streams): a write gets 403, and so does
/// /v1/snapshot (a backup of the whole state). Web UI session tokens (<see cref="UiSessions"/>) count as the role
/// they were issued for; exchanging a login code (POST /v1/ui/session) needs no token. An agent token only registers agents
/// on the cluster port: the API answers it 403 on every path, and logs one line.
/// </summary>
internal sealed class BearerAuth(string token, IReadOnlyList<string>? readTokens = null, UiSessions? sessions = null)
{
    private const string AdminItem = "minimesos.admin";
    private volatile AdminKey _admin = new(token, Hash(token));
    private readonly byte[][] _readOnly = (readTokens ?? []).Select(Hash).ToArray();

    /// <summary>Whether a token is the cluster's current agent token (null: no agent tokens known).</summary>
    public Func<string, bool>? IsAgentToken { get; init; }

    /// <summary>The current admin token, when a rotation may replace it while the master runs (null: the one given).</summary>
    public Func<string>? CurrentAdmin { get; init; }

    /// <summary>Whether a token is the admin token a rotation replaced (refused, saying so).</summary>
    public Func<string, bool>? IsPreviousAdminToken { get; init; }

    public ILogger? Logger { get; init; }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.Equals("/health", StringComparison.Ordinal) || context.Request.Path.Equals("/ping", StringComparison.Ordinal)
            || (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(UiEndpoints.SessionPath, StringComparison.Ordinal)))
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
            var session = sessions?.Check(token);
            if (CryptographicOperations.FixedTimeEquals(given, AdminHash()) || session == true)
            {
                context.Items[AdminItem] = true;
                await next(context).ConfigureAwait(false);
                return;
            }
            if (_readOnly.Any(t => CryptographicOperations.FixedTimeEquals(given, t)) || session == false)
            {
                // A backup holds the whole state, secrets in task environments included (sealed with the admin token's key).
                if (context.Request.Path.StartsWithSegments("/v1/snapshot"))
                {
                    await ApiResults.Write(context, StatusCodes.Status403Forbidden, new ApiError(
                        "read-only token: a snapshot of the cluster state needs the admin token")).ConfigureAwait(false);
                    return;
                }
                // A read-only caller may also ask for a (read-only) login code for the web UI.
                if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
                    || (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(UiEndpoints.CodesPath, StringComparison.Ordinal)))
                {
                    await next(context).ConfigureAwait(false);
                    return;
                }
                await Write(context, StatusCodes.Status403Forbidden,
                    $"read-only token: {context.Request.Method} {context.Request.Path} changes the cluster and needs the admin token").ConfigureAwait(false);
                return;
            }
            if (IsAgentToken?.Invoke(token) == true)
            {
                Logger?.LogWarning("refused {Method} {Path} from {Remote}: an agent token (role agent: it registers agents only)",
                    context.Request.Method, context.Request.Path.ToString(), context.RemoteIpAddress);
                await Write(context, StatusCodes.Status403Forbidden,
                    $"agent token: role 'agent' only registers agents on the cluster port; {context.Request.Method} {context.Request.Path} needs the admin token " +
                    "(or a read-only token to read)").ConfigureAwait(false);
                return;
            }
            if (IsPreviousAdminToken?.Invoke(token) == true)
            {
                Logger?.LogWarning("refused {Method} {Path} from {Remote}: the previous admin token (rotated)", context.Request.Method,
                    context.Request.Path.ToString(), context.RemoteIpAddress);
                problem = "the admin token was rotated: this is the previous one, which is no longer accepted; use the current one " +
                    "(`minimesos token show --admin` on a master)";
            }
            else problem = "wrong token";
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
        context.Response.ContentType = BytesResult.JsonContentType;
        return ApiResults.WriteBody(context, ApiResults.Serialize(new MarathonError(message), MarathonJsonContext.Default.MarathonError));
    }

    /// <summary>Whether this request's token is the admin token (or an admin UI session), as checked above.</summary>
    public static bool IsAdmin(HttpContext context) => context.Items.TryGetValue(AdminItem, out var admin) && admin is true;

    private byte[] AdminHash()
    {
        var key = _admin;
        if (CurrentAdmin?.Invoke() is not { } current || ReferenceEquals(current, key.Token)) return key.Hash;
        _admin = key = new AdminKey(current, Hash(current));
        return key.Hash;
    }

    private sealed record AdminKey(string Token, byte[] Hash);

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
