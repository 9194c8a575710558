using System.Text.Json;
using MiniMesos.Core.Isolation;
using MiniMesos.Core.Model;

namespace MiniMesos.Net.Http;

/// <summary>
/// The isolation fields of a task request: "user" (a user name), "network" ("host", the default, or "none"),
/// "rootfs" (an absolute directory on the agent) and "binds" ({host path: path inside}, mounted read-only into the
/// rootfs or the image's root).
/// </summary>
internal static class TaskIsolationFields
{
    public static (TaskSpec? Spec, ApiError? Error) Apply(JsonElement root, TaskSpec spec)
    {
        if (root.TryGetProperty("user", out var u))
        {
            if (u.ValueKind != JsonValueKind.String || !UserName.IsValid(u.GetString()))
                return (null, TaskRequestParser.Invalid("user", UserName.Rule));
            spec = spec with { User = u.GetString() };
        }
        if (root.TryGetProperty("network", out var n))
        {
            if (n.ValueKind != JsonValueKind.String || n.GetString() is not ("host" or "none"))
                return (null, TaskRequestParser.Invalid("network", "must be \"host\" (the agent's network) or \"none\" (only loopback)"));
            spec = spec with { Network = n.GetString() == "none" ? "none" : null };
        }
        if (root.TryGetProperty("rootfs", out var r))
        {
            if (r.ValueKind != JsonValueKind.String) return (null, TaskRequestParser.Invalid("rootfs", "must be a string (a directory on the agent)"));
            spec = spec with { Rootfs = r.GetString() };
        }
        if (root.TryGetProperty("binds", out var b))
        {
            if (b.ValueKind != JsonValueKind.Object) return (null, TaskRequestParser.Invalid("binds", "must be an object {host path: path inside}"));
            var binds = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var bind in b.EnumerateObject())
            {
                if (bind.Value.ValueKind != JsonValueKind.String) return (null, TaskRequestParser.Invalid($"binds.{bind.Name}", "must be a string (the path inside)"));
                binds[bind.Name] = bind.Value.GetString()!;
            }
            spec = spec with { Binds = binds };
        }
        if (RootfsPlan.Invalid(spec.Rootfs, spec.Binds, spec.Image is not null) is { } bad) return (null, TaskRequestParser.Invalid(bad.Field, bad.Reason));
        return (spec, null);
    }
}
