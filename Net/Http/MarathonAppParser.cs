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
        "waiting", "warnings", "unsupportedFields", "lastTaskFailure", "tasksStats", "readinessCheckResults",
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
            return MarathonParse.BadBody($"Invalid JSON: {e.Message}");
        }
        using (doc)
        {
            try
            {
                return Parse(doc.RootElement, baseSpec, pathId);
            }
            catch (InvalidOperationException e)
            {
                // A string that is not valid UTF-8 (JsonDocument checks it only when the string is read).
                return MarathonParse.BadBody($"Invalid JSON: {e.Message}");
            }
        }
    }

    private static MarathonParse Parse(JsonElement root, AppSpec? baseSpec, string? pathId)
    {
        if (root.ValueKind != JsonValueKind.Object) return MarathonParse.BadBody("Invalid JSON: the body must be a JSON object (a Marathon app definition)");
        var unsupported = new List<string>();
        var warnings = new List<string>();
        var errors = new List<ValidationError>();
        string? id = pathId is null ? null : NormaliseId(pathId);
        if (root.TryGetProperty("id", out var idElement))
        {
            try
            {
                var bodyId = NormaliseId(String(idElement, "id"));
                if (id is not null && bodyId != id) errors.Add(new("id", $"'{bodyId}' does not match the app id in the URL '{id}'"));
                else id = bodyId;
            }
            catch (MarathonFieldException e)
            {
                errors.Add(new(e.Path, e.Message));
            }
        }
        if (id is null && errors.Count == 0) errors.Add(new("id", "is required"));
        var app = (baseSpec ?? new AppSpec(id ?? "")) with { Id = id ?? "" };
        if (root.TryGetProperty("cmd", out var c) && c.ValueKind != JsonValueKind.Null && root.TryGetProperty("args", out var a) && a.ValueKind != JsonValueKind.Null)
            errors.Add(new("args", "give exactly one of cmd (a shell command line) or args (an argv array), not both"));

        foreach (var property in root.EnumerateObject())
        {
            try
            {
                app = Field(app, property, unsupported, warnings);
            }
            catch (MarathonFieldException e)
            {
                errors.Add(new(e.Path, e.Message));
            }
        }
        // Checks of the whole definition, except on fields that are already known to be bad (their value is the old one).
        var bad = errors.Select(e => Top(e.Path)).ToHashSet(StringComparer.Ordinal);
        errors.AddRange(AppSpecValidator.Validate(app).Where(e => !bad.Contains(Top(e.Path))));
        if (Core.Isolation.LaunchText.Invalid(app.Cmd, app.Args, app.Env, app.User) is { } text && !bad.Contains(Top(text.Field)))
            errors.Add(new(text.Field, text.Reason));
        if (errors.Count > 0) return MarathonParse.Fail(errors);
        return new MarathonParse(app, unsupported, warnings, []);
    }

    private static string Top(string path) => path.Split('.', '[')[0];

    private static AppSpec Field(AppSpec app, JsonProperty property, List<string> unsupported, List<string> warnings)
    {
        var v = property.Value;
        switch (property.Name)
        {
            case "id":
                return app;
            case "cmd":
                return v.ValueKind == JsonValueKind.Null ? app with { Cmd = null } : app with { Cmd = String(v, "cmd"), Args = null };
            case "args":
                return v.ValueKind == JsonValueKind.Null ? app with { Args = null } : app with { Args = Strings(v, "args"), Cmd = null };
            case "cpus": return app with { Cpus = Number(v, "cpus") };
            case "mem": return app with { Mem = Number(v, "mem") };
            case "disk": return app with { Disk = Number(v, "disk") };
            case "instances": return app with { Instances = Integer(v, "instances") };
            case "user": return app with { User = v.ValueKind == JsonValueKind.Null ? null : String(v, "user") };
            case "env": return app with { Env = StringMap(v, "env") };
            case "labels": return app with { Labels = StringMap(v, "labels") };
            case "constraints": return app with { Constraints = Constraints(v) };
            case "backoffSeconds": return app with { BackoffSeconds = Number(v, "backoffSeconds") };
            case "backoffFactor": return app with { BackoffFactor = Number(v, "backoffFactor") };
            case "maxLaunchDelaySeconds": return app with { MaxLaunchDelaySeconds = Number(v, "maxLaunchDelaySeconds") };
            case "upgradeStrategy": return app with { UpgradeStrategy = Upgrade(v) };
            case "unreachableStrategy": return app with { UnreachableStrategy = MarathonUnreachableFields.ParseStrategy(v) };
            case "killSelection": return app with { KillSelection = MarathonUnreachableFields.ParseKillSelection(v) };
            case "healthChecks": return app with { HealthChecks = HealthChecks(v) };
            case "fetch": return app with { Fetch = MarathonFetchFields.ParseFetch(v) };
            case "uris": return IsEmpty(v) ? app : app with { Fetch = MarathonFetchFields.ParseUris(v) };
            case "container":
                return app with { Container = MarathonContainerField.Parse(v) };
            case "ports":
                return WithServicePorts(app, Ports(v, "ports", e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var n) ? n : -1));
            case "portDefinitions":
                return WithServicePorts(app, Ports(v, "portDefinitions",
                    // {"port": 0} or no port = any; a port that is not a number (or an entry that is no object) is refused.
                    e => e.ValueKind != JsonValueKind.Object ? -1
                        : !e.TryGetProperty("port", out var p) ? 0
                        : p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var n) ? n : -1));
            case "requirePorts":
                return v.ValueKind is JsonValueKind.True or JsonValueKind.False ? app with { RequirePorts = v.GetBoolean() }
                    : throw new MarathonFieldException("requirePorts", $"must be true or false, not {Kind(v)}");
            default:
                if (ReadOnly.Contains(property.Name) || IsEmpty(v)) return app;
                unsupported.Add(property.Name);
                warnings.Add($"{property.Name}: not supported by MiniMesos; ignored");
                return app;
        }
    }

    /// <summary>What GET shows for fields MiniMesos does not implement ("executor": "", "fetch": [], ...): posting it back means nothing.</summary>
    private static bool IsEmpty(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.False => true,
        JsonValueKind.String => v.GetString()!.Length == 0,
        JsonValueKind.Number => v.GetDouble() == 0,
        JsonValueKind.Array => v.GetArrayLength() == 0,
        _ => false,
    };

    /// <summary>Marathon ids are absolute paths: "web" and "/web" are the same app.</summary>
    public static string NormaliseId(string id) => id.StartsWith('/') ? id : "/" + id;

    /// <summary>The requested service port of each app port (0 = any), as given.</summary>
    private static List<int> Ports(JsonElement v, string path, Func<JsonElement, int> port)
    {
        if (v.ValueKind != JsonValueKind.Array) throw new MarathonFieldException(path, "must be an array");
        var ports = new List<int>();
        foreach (var item in v.EnumerateArray())
        {
            var requested = port(item);
            if (requested is < 0 or > 65535) throw new MarathonFieldException($"{path}[{ports.Count}]", "must be a port number (0 = any service port)");
            ports.Add(requested);
        }
        return ports;
    }

    /// <summary>
    /// The app ports and the service ports asked for: a zero keeps the service port the app already has at that index
    /// (so posting back what GET shows, or {"port": 0}, changes nothing); the leader assigns the rest (ServicePortAllocator).
    /// </summary>
    private static AppSpec WithServicePorts(AppSpec app, List<int> requested)
    {
        var kept = app.ServicePorts ?? [];
        for (var i = 0; i < requested.Count && i < kept.Count; i++)
            if (requested[i] == 0) requested[i] = kept[i];
        return app with { Ports = requested.Count, ServicePorts = requested.Count == 0 ? null : requested };
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
