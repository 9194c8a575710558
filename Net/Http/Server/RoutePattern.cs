namespace MiniMesos.Net.Http.Server;

/// <summary>
/// A route such as "/v1/tasks/{id}/logs/{stream}" or "/v2/apps/{**path}": literal segments (case-insensitive),
/// {name} segments (one non-empty segment) and a last {**name} taking the rest of the path, slashes included.
/// A trailing slash on the request path is ignored, as ASP.NET's routing did.
/// </summary>
internal sealed class RoutePattern
{
    private readonly string[] _segments;

    public RoutePattern(string pattern)
    {
        Text = pattern;
        _segments = pattern.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < _segments.Length; i++)
            if (_segments[i].StartsWith("{**", StringComparison.Ordinal) && i != _segments.Length - 1)
                throw new ArgumentException($"a catch-all must be the last segment: {pattern}", nameof(pattern));
    }

    public string Text { get; }

    /// <summary>
    /// Orders overlapping routes: at the first segment where two differ, a literal beats a {name}, which beats a
    /// {**name} ("/v2/groups" is taken before "/v2/groups/{**id}"). Lower is more specific.
    /// </summary>
    public int[] Precedence => _segments.Select(s => s.StartsWith("{**", StringComparison.Ordinal) ? 2 : s.StartsWith('{') ? 1 : 0).ToArray();

    /// <summary>The route's values in the pattern's order, or null when the path does not match.</summary>
    public string[]? Match(string path)
    {
        var parts = path.Trim('/').Length == 0 ? [] : path[1..].TrimEnd('/').Split('/');
        var values = new List<string>();
        for (var i = 0; i < _segments.Length; i++)
        {
            var segment = _segments[i];
            if (segment.StartsWith("{**", StringComparison.Ordinal))
            {
                values.Add(string.Join('/', parts.Skip(i)));
                return values.ToArray();
            }
            if (i >= parts.Length) return null;
            if (segment.StartsWith('{'))
            {
                if (parts[i].Length == 0) return null;
                values.Add(parts[i]);
            }
            else if (!segment.Equals(parts[i], StringComparison.OrdinalIgnoreCase)) return null;
        }
        return parts.Length == _segments.Length ? values.ToArray() : null;
    }

    /// <summary>The names of the route's values, in order.</summary>
    public IEnumerable<string> Names => _segments.Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}', '*'));
}
