namespace MiniMesos.Net.Http.Server;

/// <summary>
/// The endpoint shapes the API maps, adapted to the router: route values are passed in the pattern's order, an
/// endpoint's <see cref="IResult"/> is written once it returns, an endpoint returning a bare Task writes its own answer.
/// One overload per shape and method, resolved at compile time (no reflection, no generated binding code).
/// </summary>
internal static class RouteMappings
{
    public static void MapGet(this ApiRouter router, string pattern, Func<IResult> handler) => router.Map(HttpMethods.Get, pattern, (http, _) => handler().ExecuteAsync(http));
    public static void MapGet(this ApiRouter router, string pattern, Func<HttpContext, IResult> handler) => router.Map(HttpMethods.Get, pattern, (http, _) => handler(http).ExecuteAsync(http));
    public static void MapGet(this ApiRouter router, string pattern, Func<HttpContext, Task<IResult>> handler) => router.Map(HttpMethods.Get, pattern, async (http, _) => await (await handler(http).ConfigureAwait(false)).ExecuteAsync(http).ConfigureAwait(false));
    public static void MapGet(this ApiRouter router, string pattern, Func<HttpContext, Task> handler) => router.Map(HttpMethods.Get, pattern, (http, _) => handler(http));
    public static void MapGet(this ApiRouter router, string pattern, Func<string, IResult> handler) => router.Map(HttpMethods.Get, pattern, (http, v) => handler(v[0]).ExecuteAsync(http));
    public static void MapGet(this ApiRouter router, string pattern, Func<string, HttpContext, IResult> handler) => router.Map(HttpMethods.Get, pattern, (http, v) => handler(v[0], http).ExecuteAsync(http));
    public static void MapGet(this ApiRouter router, string pattern, Func<string, HttpContext, Task<IResult>> handler) => router.Map(HttpMethods.Get, pattern, async (http, v) => await (await handler(v[0], http).ConfigureAwait(false)).ExecuteAsync(http).ConfigureAwait(false));
    public static void MapGet(this ApiRouter router, string pattern, Func<string, HttpContext, Task> handler) => router.Map(HttpMethods.Get, pattern, (http, v) => handler(v[0], http));
    public static void MapGet(this ApiRouter router, string pattern, Func<string, CancellationToken, Task<IResult>> handler) => router.Map(HttpMethods.Get, pattern, async (http, v) => await (await handler(v[0], http.RequestAborted).ConfigureAwait(false)).ExecuteAsync(http).ConfigureAwait(false));
    public static void MapGet(this ApiRouter router, string pattern, Func<string, string, HttpContext, Task> handler) => router.Map(HttpMethods.Get, pattern, (http, v) => handler(v[0], v[1], http));

    public static void MapPost(this ApiRouter router, string pattern, Func<IResult> handler) => router.Map(HttpMethods.Post, pattern, (http, _) => handler().ExecuteAsync(http));
    public static void MapPost(this ApiRouter router, string pattern, Func<HttpContext, IResult> handler) => router.Map(HttpMethods.Post, pattern, (http, _) => handler(http).ExecuteAsync(http));
    public static void MapPost(this ApiRouter router, string pattern, Func<HttpContext, Task<IResult>> handler) => router.Map(HttpMethods.Post, pattern, async (http, _) => await (await handler(http).ConfigureAwait(false)).ExecuteAsync(http).ConfigureAwait(false));
    public static void MapPost(this ApiRouter router, string pattern, Func<HttpContext, Task> handler) => router.Map(HttpMethods.Post, pattern, (http, _) => handler(http));
    public static void MapPost(this ApiRouter router, string pattern, Func<string, IResult> handler) => router.Map(HttpMethods.Post, pattern, (http, v) => handler(v[0]).ExecuteAsync(http));
    public static void MapPost(this ApiRouter router, string pattern, Func<string, HttpContext, IResult> handler) => router.Map(HttpMethods.Post, pattern, (http, v) => handler(v[0], http).ExecuteAsync(http));
    public static void MapPost(this ApiRouter router, string pattern, Func<string, HttpContext, Task<IResult>> handler) => router.Map(HttpMethods.Post, pattern, async (http, v) => await (await handler(v[0], http).ConfigureAwait(false)).ExecuteAsync(http).ConfigureAwait(false));
    public static void MapPost(this ApiRouter router, string pattern, Func<string, HttpContext, Task> handler) => router.Map(HttpMethods.Post, pattern, (http, v) => handler(v[0], http));
    public static void MapPost(this ApiRouter router, string pattern, Func<string, CancellationToken, Task<IResult>> handler) => router.Map(HttpMethods.Post, pattern, async (http, v) => await (await handler(v[0], http.RequestAborted).ConfigureAwait(false)).ExecuteAsync(http).ConfigureAwait(false));
    public static void MapPost(this ApiRouter router, string pattern, Func<string, string, HttpContext, Task> handler) => router.Map(HttpMethods.Post, pattern, (http, v) => handler(v[0], v[1], http));

    public static void MapPut(this ApiRouter router, string pattern, Func<IResult> handler) => router.Map(HttpMethods.Put, pattern, (http, _) => handler().ExecuteAsync(http));
    public static void MapPut(this ApiRouter router, string pattern, Func<HttpContext, IResult> handler) => router.Map(HttpMethods.Put, pattern, (http, _) => handler(http).ExecuteAsync(http));
    public static void MapPut(this ApiRouter router, string pattern, Func<HttpContext, Task<IResult>> handler) => router.Map(HttpMethods.Put, pattern, async (http, _) => await (await handler(http).ConfigureAwait(false)).ExecuteAsync(http).ConfigureAwait(false));
    public static void MapPut(this ApiRouter router, string pattern, Func<HttpContext, Task> handler) => router.Map(HttpMethods.Put, pattern, (http, _) => handler(http));
    public static void MapPut(this ApiRouter router, string pattern, Func<string, IResult> handler) => router.Map(HttpMethods.Put, pattern, (http, v) => handler(v[0]).ExecuteAsync(http));
    public static void MapPut(this ApiRouter router, string pattern, Func<string, HttpContext, IResult> handler) => router.Map(HttpMethods.Put, pattern, (http, v) => handler(v[0], http).ExecuteAsync(http));
    public static void MapPut(this ApiRouter router, string pattern, Func<string, HttpContext, Task<IResult>> handler) => router.Map(HttpMethods.Put, pattern, async (http, v) => await (await handler(v[0], http).ConfigureAwait(false)).ExecuteAsync(http).ConfigureAwait(false));
    public static void MapPut(this ApiRouter router, string pattern, Func<string, HttpContext, Task> handler) => router.Map(HttpMethods.Put, pattern, (http, v) => handler(v[0], http));
    public static void MapPut(this ApiRouter router, string pattern, Func<string, CancellationToken, Task<IResult>> handler) => router.Map(HttpMethods.Put, pattern, async (http, v) => await (await handler(v[0], http.RequestAborted).ConfigureAwait(false)).ExecuteAsync(http).ConfigureAwait(false));
    public static void MapPut(this ApiRouter router, string pattern, Func<string, string, HttpContext, Task> handler) => router.Map(HttpMethods.Put, pattern, (http, v) => handler(v[0], v[1], http));

    public static void MapDelete(this ApiRouter router, string pattern, Func<IResult> handler) => router.Map(HttpMethods.Delete, pattern, (http, _) => handler().ExecuteAsync(http));
    public static void MapDelete(this ApiRouter router, string pattern, Func<HttpContext, IResult> handler) => router.Map(HttpMethods.Delete, pattern, (http, _) => handler(http).ExecuteAsync(http));
    public static void MapDelete(this ApiRouter router, string pattern, Func<HttpContext, Task<IResult>> handler) => router.Map(HttpMethods.Delete, pattern, async (http, _) => await (await handler(http).ConfigureAwait(false)).ExecuteAsync(http).ConfigureAwait(false));
    public static void MapDelete(this ApiRouter router, string pattern, Func<HttpContext, Task> handler) => router.Map(HttpMethods.Delete, pattern, (http, _) => handler(http));
    public static void MapDelete(this ApiRouter router, string pattern, Func<string, IResult> handler) => router.Map(HttpMethods.Delete, pattern, (http, v) => handler(v[0]).ExecuteAsync(http));
    public static void MapDelete(this ApiRouter router, string pattern, Func<string, HttpContext, IResult> handler) => router.Map(HttpMethods.Delete, pattern, (http, v) => handler(v[0], http).ExecuteAsync(http));
    public static void MapDelete(this ApiRouter router, string pattern, Func<string, HttpContext, Task<IResult>> handler) => router.Map(HttpMethods.Delete, pattern, async (http, v) => await (await handler(v[0], http).ConfigureAwait(false)).ExecuteAsync(http).ConfigureAwait(false));
    public static void MapDelete(this ApiRouter router, string pattern, Func<string, HttpContext, Task> handler) => router.Map(HttpMethods.Delete, pattern, (http, v) => handler(v[0], http));
    public static void MapDelete(this ApiRouter router, string pattern, Func<string, CancellationToken, Task<IResult>> handler) => router.Map(HttpMethods.Delete, pattern, async (http, v) => await (await handler(v[0], http.RequestAborted).ConfigureAwait(false)).ExecuteAsync(http).ConfigureAwait(false));
    public static void MapDelete(this ApiRouter router, string pattern, Func<string, string, HttpContext, Task> handler) => router.Map(HttpMethods.Delete, pattern, (http, v) => handler(v[0], v[1], http));
}
