namespace MiniMesos.Net.Http.Ui;

/// <summary>POST /v1/ui/codes: a one-time login code and when it stops working.</summary>
internal sealed record UiLoginCode(string Code, DateTimeOffset ExpiresAt, int ExpiresIn);

/// <summary>POST /v1/ui/session: the session token a code was exchanged for, its role and expiry.</summary>
internal sealed record UiSession(string Token, string Role, DateTimeOffset ExpiresAt);

/// <summary>GET /v1/whoami: what the caller's token may do: "admin" or "read-only".</summary>
internal sealed record WhoAmI(string Role);

/// <summary>The body of POST /v1/ui/session.</summary>
internal sealed record UiCodeRequest(string? Code);
