using System.Text.Json;
using System.Text.RegularExpressions;

namespace MiniMesos.Net.Http;

/// <summary>The "user" and "network" fields of a task request: a user name, and "host" (default) or "none".</summary>
internal static partial class TaskIsolationFields
{
    public static (string? User, string? Network, ApiError? Error) Parse(JsonElement root)
    {
        string? user = null, network = null;
        if (root.TryGetProperty("user", out var u))
        {
            if (u.ValueKind != JsonValueKind.String || !UserPattern().IsMatch(u.GetString()!))
                return (null, null, TaskRequestParser.Invalid("user", "must be a user name (1-32 of letters, digits, '.', '_' or '-', not starting with '-')"));
            user = u.GetString();
        }
        if (root.TryGetProperty("network", out var n))
        {
            if (n.ValueKind != JsonValueKind.String || n.GetString() is not ("host" or "none"))
                return (null, null, TaskRequestParser.Invalid("network", "must be \"host\" (the agent's network) or \"none\" (only loopback)"));
            network = n.GetString() == "none" ? "none" : null;
        }
        return (user, network, null);
    }

    [GeneratedRegex("^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31}$")]
    private static partial Regex UserPattern();
}
