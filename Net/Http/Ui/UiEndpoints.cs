using System.Text.Json;
using MiniMesos.Net.Http.Server;

namespace MiniMesos.Net.Http.Ui;

/// <summary>
/// The web UI's API: GET /v1/whoami (the caller's role, so the UI hides actions from a read-only token),
/// POST /v1/ui/codes (a one-time login code for `minimesos ui`; a read-only caller gets a read-only code) and
/// POST /v1/ui/session (the one call without a token: exchanges a code, once, for a session token).
/// </summary>
internal static class UiEndpoints
{
    public const string SessionPath = "/v1/ui/session";
    public const string CodesPath = "/v1/ui/codes";

    public static void Map(ApiRouter app, UiLoginCodes codes, UiSessions sessions)
    {
        app.MapGet("/v1/whoami", (HttpContext http) =>
            ApiResults.Json(new WhoAmI(BearerAuth.IsAdmin(http) ? "admin" : "read-only"), UiJsonContext.Default.WhoAmI));

        app.MapPost(CodesPath, (HttpContext http) =>
        {
            if (codes.Issue(BearerAuth.IsAdmin(http)) is not { } issued)
                return ApiResults.Error(StatusCodes.Status429TooManyRequests,
                    $"{UiLoginCodes.MaxOutstanding} login codes are waiting to be used; try again when one has expired (after {UiLoginCodes.Lifetime.TotalMinutes:0} minutes)");
            return ApiResults.Json(new UiLoginCode(issued.Code, issued.Expires, (int)UiLoginCodes.Lifetime.TotalSeconds),
                UiJsonContext.Default.UiLoginCode, status: StatusCodes.Status201Created);
        });

        app.MapPost(SessionPath, async (HttpContext http) =>
        {
            var body = await TaskEndpoints.ReadBodyAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
            if (body is null) return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "the body is too large");
            if (ParseCode(body) is { } problem) return ApiResults.Error(StatusCodes.Status400BadRequest, problem);
            var code = JsonSerializer.Deserialize(body, UiJsonContext.Default.UiCodeRequest)!.Code!;
            if (codes.Redeem(code) is not { } admin)
                return ApiResults.Error(StatusCodes.Status400BadRequest, AgentEndpoints.Invalid("code",
                    "unknown, already used or expired (a code works once, for a few minutes): run `minimesos ui` again"));
            var (token, expires) = sessions.Issue(admin);
            return ApiResults.Json(new UiSession(token, admin ? "admin" : "read-only", expires), UiJsonContext.Default.UiSession);
        });
    }

    /// <summary>Why the body is not exactly {"code": "..."}, or null.</summary>
    private static ApiError? ParseCode(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 4 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return AgentEndpoints.Invalid("", "the body must be a JSON object like {\"code\": \"...\"}");
            foreach (var property in doc.RootElement.EnumerateObject())
                if (property.Name != "code") return AgentEndpoints.Invalid(property.Name, "unknown field (known: code)");
            return doc.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString()!.Length is > 0 and <= 200
                ? null
                : AgentEndpoints.Invalid("code", "is required: the code from `minimesos ui`");
        }
        catch (JsonException e)
        {
            return AgentEndpoints.Invalid("", $"the body is not valid JSON: {e.Message}");
        }
    }
}
