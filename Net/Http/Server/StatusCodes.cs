namespace MiniMesos.Net.Http.Server;

/// <summary>The status codes the API answers, and their reason phrases for the status line.</summary>
internal static class StatusCodes
{
    public const int Status100Continue = 100;
    public const int Status200OK = 200;
    public const int Status201Created = 201;
    public const int Status202Accepted = 202;
    public const int Status204NoContent = 204;
    public const int Status301MovedPermanently = 301;
    public const int Status304NotModified = 304;
    public const int Status400BadRequest = 400;
    public const int Status401Unauthorized = 401;
    public const int Status403Forbidden = 403;
    public const int Status404NotFound = 404;
    public const int Status405MethodNotAllowed = 405;
    public const int Status406NotAcceptable = 406;
    public const int Status408RequestTimeout = 408;
    public const int Status409Conflict = 409;
    public const int Status413PayloadTooLarge = 413;
    public const int Status422UnprocessableEntity = 422;
    public const int Status429TooManyRequests = 429;
    public const int Status500InternalServerError = 500;
    public const int Status503ServiceUnavailable = 503;

    public static string Reason(int status) => status switch
    {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "",
    };
}
