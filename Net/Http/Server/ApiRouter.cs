namespace MiniMesos.Net.Http.Server;

/// <summary>
/// Finds the endpoint of a request by method and path (the most specific matching route, <see cref="RoutePattern"/>)
/// and runs it; a request no route takes goes to the fallback (the API's 404 naming the method and path).
/// </summary>
internal sealed class ApiRouter
{
    private readonly List<(string Method, RoutePattern Pattern, Func<HttpContext, string[], Task> Handler)> _routes = [];

    public Func<HttpContext, Task> Fallback { get; set; } = http =>
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    };

    public void Map(string method, string pattern, Func<HttpContext, string[], Task> handler) =>
        _routes.Add((method, new RoutePattern(pattern), handler));

    public Task DispatchAsync(HttpContext http)
    {
        (RoutePattern Pattern, Func<HttpContext, string[], Task> Handler, string[] Values)? best = null;
        foreach (var (method, pattern, handler) in _routes)
        {
            if (method != http.Request.Method || pattern.Match(http.Request.Path) is not { } values) continue;
            if (best is null || MoreSpecific(pattern.Precedence, best.Value.Pattern.Precedence)) best = (pattern, handler, values);
        }
        if (best is not { } found) return Fallback(http);
        http.Request.RouteValues = found.Pattern.Names.Zip(found.Values).ToDictionary(p => p.First, p => p.Second);
        return found.Handler(http, found.Values);
    }

    private static bool MoreSpecific(int[] a, int[] b)
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
            if (a[i] != b[i]) return a[i] < b[i];
        return a.Length < b.Length; // both matched: the longer one's extra segment is a catch-all taking nothing
    }
}
