using System.Text.Json;
using MiniMesos.Core.Fetch;

namespace MiniMesos.Net.Http;

/// <summary>
/// Marathon's <c>fetch</c> ([{uri, extract, executable, cache, destPath}], Mesos' fetcher; <c>outputFile</c> is read as
/// destPath) and the legacy <c>uris</c> (strings, each as a fetch entry with the defaults: extract true, the others
/// false), as Marathon turns them into one fetch list. Entries are checked as the agent will (FetchPlan).
/// </summary>
internal static class MarathonFetchFields
{
    public static List<FetchUri>? ParseFetch(JsonElement v, string field = "fetch")
    {
        if (v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Array) throw new MarathonFieldException(field, "must be an array of {uri, extract, executable, cache, destPath} objects");
        var list = new List<FetchUri>();
        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            var path = $"{field}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) throw new MarathonFieldException(path, "must be an object {uri, extract, executable, cache, destPath}");
            string? uri = null;
            var f = new FetchUri("");
            foreach (var p in item.EnumerateObject())
            {
                var name = $"{path}.{p.Name}";
                f = p.Name switch
                {
                    "uri" => f with { Uri = uri = Text(p.Value, name) },
                    "extract" => f with { Extract = Bool(p.Value, name) },
                    "executable" => f with { Executable = Bool(p.Value, name) },
                    "cache" => f with { Cache = Bool(p.Value, name) },
                    "destPath" or "outputFile" => f with { DestPath = p.Value.ValueKind == JsonValueKind.Null ? null : Text(p.Value, name) },
                    _ => throw new MarathonFieldException(name, "unknown fetch field (known: uri, extract, executable, cache, destPath)"),
                };
            }
            if (uri is null) throw new MarathonFieldException($"{path}.uri", "is required");
            list.Add(f);
        }
        return Checked(list, field);
    }

    public static List<FetchUri>? ParseUris(JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Array) throw new MarathonFieldException("uris", "must be an array of URI strings");
        var list = new List<FetchUri>();
        var i = 0;
        foreach (var item in v.EnumerateArray()) list.Add(new FetchUri(Text(item, $"uris[{i++}]")));
        return Checked(list, "uris");
    }

    private static List<FetchUri>? Checked(List<FetchUri> list, string field)
    {
        if (FetchPlan.Validate(list, field).FirstOrDefault() is { } bad) throw new MarathonFieldException(bad.Path, bad.Reason);
        return list.Count == 0 ? null : list;
    }

    private static string Text(JsonElement v, string path) =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new MarathonFieldException(path, "must be a string");

    private static bool Bool(JsonElement v, string path) => v.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new MarathonFieldException(path, "must be true or false"),
    };
}
