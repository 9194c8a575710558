using System.Text.Json;
using MiniMesos.Core.Frameworks.Apps;

namespace MiniMesos.Net.Http;

/// <summary>
/// Marathon's <c>unreachableStrategy</c> (an object {inactiveAfterSeconds, expungeAfterSeconds} or the string "disabled") and
/// <c>killSelection</c> ("YOUNGEST_FIRST" or "OLDEST_FIRST"), read from and shown in /v2 app JSON.
/// </summary>
internal static class MarathonUnreachableFields
{
    public const string Disabled = "disabled";

    public static UnreachableStrategy ParseStrategy(JsonElement v)
    {
        const string path = "unreachableStrategy";
        if (v.ValueKind == JsonValueKind.String)
            return v.GetString() == Disabled ? UnreachableStrategy.Off
                : throw new MarathonFieldException(path, $"must be \"{Disabled}\" or an object, not the string {v.GetRawText()}");
        if (v.ValueKind != JsonValueKind.Object) throw new MarathonFieldException(path, "must be \"disabled\" or an object {inactiveAfterSeconds, expungeAfterSeconds}");
        var s = UnreachableStrategy.Default;
        foreach (var p in v.EnumerateObject())
        {
            s = p.Name switch
            {
                "inactiveAfterSeconds" => s with { InactiveAfterSeconds = Seconds(p.Value, $"{path}.inactiveAfterSeconds") },
                "expungeAfterSeconds" => s with { ExpungeAfterSeconds = Seconds(p.Value, $"{path}.expungeAfterSeconds") },
                _ => throw new MarathonFieldException($"{path}.{p.Name}", "unknown field (known: inactiveAfterSeconds, expungeAfterSeconds)"),
            };
        }
        return s;
    }

    public static KillSelection ParseKillSelection(JsonElement v) =>
        v.ValueKind == JsonValueKind.String && v.GetString() is { } text && Name(text) is { } selection
            ? selection
            : throw new MarathonFieldException("killSelection", $"must be YOUNGEST_FIRST or OLDEST_FIRST, not {v.GetRawText()}");

    /// <summary>What GET shows: "disabled", or the object with both values (Marathon's defaults when none was given).</summary>
    public static JsonElement Show(UnreachableStrategy s)
    {
        var json = s.Disabled ? $"\"{Disabled}\"" : $"{{\"inactiveAfterSeconds\":{s.InactiveAfterSeconds},\"expungeAfterSeconds\":{s.ExpungeAfterSeconds}}}";
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    public static string Show(KillSelection k) => k == KillSelection.OldestFirst ? "OLDEST_FIRST" : "YOUNGEST_FIRST";

    private static KillSelection? Name(string text) => text switch
    {
        "YOUNGEST_FIRST" => KillSelection.YoungestFirst,
        "OLDEST_FIRST" => KillSelection.OldestFirst,
        _ => null,
    };

    private static long Seconds(JsonElement v, string path) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : throw new MarathonFieldException(path, "must be a whole number of seconds");
}
