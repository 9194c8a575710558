namespace MiniMesos.Net.Http.Server;

/// <summary>A request's query parameters by name (case-insensitive, as ASP.NET had them); repeated values joined with ",".</summary>
internal sealed class QueryValues(Dictionary<string, List<string>> values)
{
    public static readonly QueryValues Empty = new([]);

    /// <summary>The parameter's value, or "" when it is absent.</summary>
    public string this[string name] => TryGetValue(name, out var value) ? value : "";

    public bool ContainsKey(string name) => values.ContainsKey(name);

    /// <summary>Every value of a repeated parameter (none when absent).</summary>
    public IReadOnlyList<string> All(string name) => values.TryGetValue(name, out var list) ? list : [];

    public bool TryGetValue(string name, out string value)
    {
        value = values.TryGetValue(name, out var list) ? string.Join(',', list) : "";
        return list is not null;
    }
}
