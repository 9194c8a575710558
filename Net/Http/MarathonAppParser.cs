using System.Text.Json;
using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Frameworks.Apps;

namespace MiniMesos.Net.Http;

/// <summary>
/// Reads a Marathon app definition (JSON) into an <see cref="AppSpec"/>. Fields present override
/// <c>baseSpec</c> (so PUT {"instances": 5} scales an existing app, as in Marathon). Fields MiniMesos does not
/// implement are not dropped silently: they come back in <see cref="MarathonParse.UnsupportedFields"/> with a
/// warning each. Errors name the field path (Marathon names) and the reason.
/// </summary>
internal static class MarathonAppParser
{
    /// <summary>Fields shown by GET that a client may send back unchanged; ignored without a warning.</summary>
    private static readonly HashSet<string> ReadOnly = new(StringComparer.Ordinal)
    {
        "version", "versionInfo", "tasksRunning", "tasksStaged", "tasksHealthy", "tasksUnhealthy", "deployments", "tasks",
        "waiting", "warnings", "unsupportedFields", "lastTaskFailure",
    };

    public static MarathonParse Parse(ReadOnlySpan<byte> body, AppSpec? baseSpec, string? pathId)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            return MarathonParse.Fail("", $"the body is not valid JSON: {e.Message}");
        }
        using (doc)
        {
            try
            {
                return Parse(doc.RootElement, baseSpec, pathId);
            }
            catch (MarathonFieldException e)
            {
                return MarathonParse.Fail(e.Path, e.Message);
            }
        }
    }

    private static MarathonParse Parse(JsonElement root, AppSpec? baseSpec, string? pathId)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new MarathonFieldException("", "the body must be a JSON object (a Marathon app definition)");
        var unsupported = new List<string>();
        var warnings = new List<string>();
        string? id = pathId is null ? null : NormaliseId(pathId);
        if (root.TryGetProperty("id", out var idElement))
        {
            var bodyId = NormaliseId(String(idElement, "id"));
            if (id is not null && bodyId != id) throw new MarathonFieldException("id", $"'{bodyId}' does not match the app id in the URL '{id}'");
            id = bodyId;
        }
        if (id is null) throw new MarathonFieldException("id", "is required");
        var app = (baseSpec ?? new AppSpec(id)) with { Id = id };
        if (root.TryGetProperty("cmd", out var c) && c.ValueKind != JsonValueKind.Null && root.TryGetProperty("args", out var a) && a.ValueKind != JsonValueKind.Null)
            throw new MarathonFieldException("args", "give exactly one of cmd (a shell command line) or args (an argv array), not both");

        foreach (var property in root.EnumerateObject())
        {
            var v = property.Value;
            switch (property.Name)
            {
                case "id":
                    break;
                case "cmd":
                    app = v.ValueKind == JsonValueKind.Null ? app with { Cmd = null } : app with { Cmd = String(v, "cmd"), Args = null };
                    break;
                case "args":
                    app = v.ValueKind == JsonValueKind.Null ? app with { Args = null } : app with { Args = Strings(v, "args"), Cmd = null };
                    break;
                case "cpus": app = app with { Cpus = Number(v, "cpus") }; break;
                case "mem": app = app with { Mem = Number(v, "mem") }; break;
                case "disk": app = app with { Disk = Number(v, "disk") }; break;
                case "instances": app = app with { Instances = Integer(v, "instances") }; break;
                case "user": app = app with { User = String(v, "user") }; break;
                case "env": app = app with { Env = StringMap(v, "env") }; break;
                case "labels": app = app with { Labels = StringMap(v, "labels") }; break;
                case "constraints": app = app with { Constraints = Constraints(v) }; break;
                case "backoffSeconds": app = app with { BackoffSeconds = Number(v, "backoffSeconds") }; break;
                case "backoffFactor": app = app with { BackoffFactor = Number(v, "backoffFactor") }; break;
                case "maxLaunchDelaySeconds": app = app with { MaxLaunchDelaySeconds = Number(v, "maxLaunchDelaySeconds") }; break;
                case "upgradeStrategy": app = app with { UpgradeStrategy = Upgrade(v) }; break;
                case "unreachableStrategy": app = app with { UnreachableStrategy = MarathonUnreachableFields.ParseStrategy(v) }; break;
                case "killSelection": app = app with { KillSelection = MarathonUnreachableFields.ParseKillSelection(v) }; break;
                case "healthChecks":
                    app = app with { HealthChecks = HealthChecks(v) };
                    if (app.HasHealthChecks)
                        warnings.Add("healthChecks: stored and validated, but not probed yet: a running instance counts as healthy");
                    break;
                case "ports":
                    app = app with { Ports = PortCount(v, "ports", e => e.ValueKind == JsonValueKind.Number ? e.GetInt32() : -1, warnings) };
                    break;
                case "portDefinitions":
                    app = app with
                    {
                        Ports = PortCount(v, "portDefinitions",
                            // {"port": 0} or no port = any; a port that is not a number (or an entry that is no object) is refused.
                            e => e.ValueKind != JsonValueKind.Object ? -1
                                : !e.TryGetProperty("port", out var p) ? 0
                                : p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var n) ? n : -1,
                            warnings),
                    };
                    break;
                default:
                    if (ReadOnly.Contains(property.Name)) break;
                    unsupported.Add(property.Name);
                    warnings.Add($"{property.Name}: not supported by MiniMesos; ignored");
                    break;
            }
        }
        var errors = AppSpecValidator.Validate(app);
        if (errors.Count > 0) return MarathonParse.Fail(errors[0].Path, errors[0].Reason, errors);
        if (Core.Isolation.LaunchText.Invalid(app.Cmd, app.Args, app.Env, app.User) is { } text) return MarathonParse.Fail(text.Field, text.Reason);
        return new MarathonParse(app, unsupported, warnings, null, []);
    }

    /// <summary>Marathon ids are absolute paths: "web" and "/web" are the same app.</summary>
    public static string NormaliseId(string id) => id.StartsWith('/') ? id : "/" + id;

    private static int PortCount(JsonElement v, string path, Func<JsonElement, int> port, List<string> warnings)
    {
        if (v.ValueKind != JsonValueKind.Array) throw new MarathonFieldException(path, "must be an array");
        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            var requested = port(item);
            if (requested < 0) throw new MarathonFieldException($"{path}[{i}]", "must be a port number (0 = any)");
            if (requested > 0) warnings.Add($"{path}[{i}]: host port {requested} requested; MiniMesos assigns host ports dynamically (PORT{i})");
            i++;
        }
        return i;
    }

    internal static List<IReadOnlyList<string>> Constraints(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Array) throw new MarathonFieldException("constraints", "must be an array of [field, operator(, value)] arrays");
        var result = new List<IReadOnlyList<string>>();
        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
                result.Add(item.GetString()!.Split(':', 3)); // Marathon's "field:OPERATOR:value" form
            else
                result.Add(Strings(item, $"constraints[{i}]"));
            i++;
        }
        return result;
    }

    private static UpgradeStrategy Upgrade(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Object) throw new MarathonFieldException("upgradeStrategy", "must be an object");
        var s = new UpgradeStrategy();
        foreach (var p in v.EnumerateObject())
        {
            s = p.Name switch
            {
                "minimumHealthCapacity" => s with { MinimumHealthCapacity = Number(p.Value, "upgradeStrategy.minimumHealthCapacity") },
                "maximumOverCapacity" => s with { MaximumOverCapacity = Number(p.Value, "upgradeStrategy.maximumOverCapacity") },
                _ => throw new MarathonFieldException($"upgradeStrategy.{p.Name}", "unknown field (known: minimumHealthCapacity, maximumOverCapacity)"),
            };
        }
        return s;
    }

    private static List<HealthCheckSpec> HealthChecks(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Array) throw new MarathonFieldException("healthChecks", "must be an array");
        var result = new List<HealthCheckSpec>();
        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            var path = $"healthChecks[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) throw new MarathonFieldException(path, "must be an object");
            var h = new HealthCheckSpec();
            foreach (var p in item.EnumerateObject())
            {
                var field = $"{path}.{p.Name}";
                h = p.Name switch
                {
                    "protocol" => h with { Protocol = String(p.Value, field) switch { "MESOS_HTTP" => "HTTP", "MESOS_TCP" => "TCP", var x => x } },
                    "command" => h with { Command = p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("value", out var c) ? String(c, $"{field}.value") : String(p.Value, field) },
                    "path" => h with { Path = String(p.Value, field) },
                    "portIndex" => h with { PortIndex = Integer(p.Value, field) },
                    "gracePeriodSeconds" => h with { GracePeriodSeconds = Number(p.Value, field) },
                    "intervalSeconds" => h with { IntervalSeconds = Number(p.Value, field) },
                    "timeoutSeconds" => h with { TimeoutSeconds = Number(p.Value, field) },
                    "maxConsecutiveFailures" => h with { MaxConsecutiveFailures = Integer(p.Value, field) },
                    "delaySeconds" or "ignoreHttp1xx" => h,
                    _ => throw new MarathonFieldException(field, "unknown health check field"),
                };
            }
            result.Add(h);
        }
        return result;
    }

    private static string String(JsonElement v, string path) =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new MarathonFieldException(path, $"must be a string, not {Kind(v)}");

    private static List<string> Strings(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.Array) throw new MarathonFieldException(path, $"must be an array of strings, not {Kind(v)}");
        var list = new List<string>();
        var i = 0;
        foreach (var item in v.EnumerateArray()) list.Add(String(item, $"{path}[{i++}]"));
        return list;
    }

    private static Dictionary<string, string> StringMap(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.Object) throw new MarathonFieldException(path, $"must be an object of string values, not {Kind(v)}");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in v.EnumerateObject()) map[p.Name] = String(p.Value, $"{path}.{p.Name}");
        return map;
    }

    private static double Number(JsonElement v, string path) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d) ? d : throw new MarathonFieldException(path, $"must be a number, not {Kind(v)}");

    private static int Integer(JsonElement v, string path) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : throw new MarathonFieldException(path, $"must be a whole number, not {Kind(v)}");

    private static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => $"the number {v.GetRawText()}",
        JsonValueKind.String => $"the string {v.GetRawText()}",
        var k => k.ToString().ToLowerInvariant(),
    };
}
