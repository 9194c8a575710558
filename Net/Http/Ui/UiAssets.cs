using System.Security.Cryptography;
using MiniMesos.Net.Http.Server;

namespace MiniMesos.Net.Http.Ui;

/// <summary>
/// Serves the web UI under /ui/ from files embedded in the binary (EmbeddedResource "ui/NAME", read with
/// GetManifestResourceStream: no reflection, fine for Native AOT). No token is needed for the assets: they hold
/// no cluster data, the API calls they make do. Every answer carries a strict Content-Security-Policy.
/// </summary>
internal static class UiAssets
{
    private const string Csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private sealed record Asset(byte[] Body, string ContentType, string ETag);

    private static readonly Dictionary<string, Asset> Assets = Load();

    public static async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var path = http.Request.Path;
        if (path != "/ui" && !path.StartsWith("/ui/", StringComparison.Ordinal))
        {
            await next(http).ConfigureAwait(false);
            return;
        }
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = Csp;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            headers.Allow = "GET, HEAD";
            await ApiResults.Write(http, StatusCodes.Status405MethodNotAllowed, new ApiError($"{http.Request.Method} {path}: the UI's files are only read (GET)")).ConfigureAwait(false);
            return;
        }
        if (path == "/ui")
        {
            http.Response.StatusCode = StatusCodes.Status301MovedPermanently;
            headers.Location = "/ui/";
            return;
        }
        var name = path == "/ui/" ? "index.html" : path["/ui/".Length..];
        if (!Assets.TryGetValue(name, out var asset))
        {
            await ApiResults.Write(http, StatusCodes.Status404NotFound, new ApiError($"no UI file {path}")).ConfigureAwait(false);
            return;
        }
        headers.ContentType = asset.ContentType;
        headers.ETag = asset.ETag;
        headers.CacheControl = "no-cache";
        if (http.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        http.Response.ContentLength = asset.Body.Length;
        if (HttpMethods.IsGet(http.Request.Method)) await http.Response.Body.WriteAsync(asset.Body, http.RequestAborted).ConfigureAwait(false);
    }

    // No gzip: compressing the ~50 KB once cost more binary (the compression code) than it saves on a LAN.
    private static Dictionary<string, Asset> Load()
    {
        var assembly = typeof(UiAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("ui/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var body = copy.ToArray();
            var name = resource["ui/".Length..];
            assets[name] = new Asset(body, ContentType(name), $"\"{Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 12))}\"");
        }
        return assets;
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
