namespace MiniMesos.Net.Http.Server;

internal static class PathExtensions
{
    /// <summary>Whether a path is <paramref name="prefix"/> or below it ("/v1" takes "/v1/tasks", not "/v10"), ignoring case as ASP.NET's PathString did.</summary>
    public static bool StartsWithSegments(this string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && (path.Length == prefix.Length || path[prefix.Length] == '/');
}
