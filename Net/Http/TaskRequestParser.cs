using System.Text.Json;
using System.Text.RegularExpressions;
using MiniMesos.Core.Model;

namespace MiniMesos.Net.Http;

/// <summary>
/// Turns the JSON body of POST /v1/tasks into a <see cref="TaskSpec"/>, or an error naming the field and
/// the reason. Parsed by hand (not bound to a type) so every mistake gets its own precise message.
/// </summary>
internal static partial class TaskRequestParser
{
    public const double DefaultCpus = 0.1;
    public const long DefaultMemMb = 64;
    public const int MaxPorts = 1000;
    private static readonly HashSet<string> Known = ["cmd", "args", "name", "cpus", "mem", "disk", "env", "ports", "user", "network", "rootfs", "binds", "constraints", "fetch", "container"];

    public static (TaskSpec? Spec, ApiError? Error) Parse(ReadOnlySpan<byte> body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            return (null, Invalid("", $"the body is not valid JSON: {e.Message}"));
        }
        using (doc)
        {
            return Parse(doc.RootElement);
        }
    }

    private static (TaskSpec?, ApiError?) Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return (null, Invalid("", "the body must be a JSON object"));
        foreach (var property in root.EnumerateObject())
        {
            if (!Known.Contains(property.Name))
                return (null, Invalid(property.Name, $"unknown field (known: {string.Join(", ", Known.Order())})"));
        }

        var (image, imageError) = TaskImageField.Parse(root);
        if (imageError is not null) return (null, imageError);
        var hasCmd = root.TryGetProperty("cmd", out var cmd);
        var hasArgs = root.TryGetProperty("args", out var args);
        if (hasCmd && hasArgs || image is null && hasCmd == hasArgs)
            return (null, Invalid("cmd", "give exactly one of 'cmd' (a shell command line) or 'args' (an argv array)" + (image is null ? "" : ", or neither to run the image's own command")));
        List<string> argv;
        if (hasCmd)
        {
            if (cmd.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(cmd.GetString()))
                return (null, Invalid("cmd", "must be a non-empty string"));
            argv = image is null ? ["/bin/sh", "-c", cmd.GetString()!] : [cmd.GetString()!];
        }
        else if (!hasArgs)
        {
            argv = [];
        }
        else
        {
            if (args.ValueKind != JsonValueKind.Array || args.GetArrayLength() == 0)
                return (null, Invalid("args", "must be a non-empty array of strings"));
            argv = [];
            var i = 0;
            foreach (var item in args.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String) return (null, Invalid($"args[{i}]", "must be a string"));
                argv.Add(item.GetString()!);
                i++;
            }
            if (argv[0].Length == 0) return (null, Invalid("args[0]", "the program must not be empty"));
        }

        var name = "task";
        if (root.TryGetProperty("name", out var n))
        {
            if (n.ValueKind != JsonValueKind.String || !NamePattern().IsMatch(n.GetString()!))
                return (null, Invalid("name", "must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit"));
            name = n.GetString()!;
        }

        var (cpus, cpusError) = Number(root, "cpus", DefaultCpus, 0.001, 1024);
        if (cpusError is not null) return (null, cpusError);
        var (mem, memError) = Number(root, "mem", DefaultMemMb, 1, 16 * 1024 * 1024);
        if (memError is not null) return (null, memError);
        var (disk, diskError) = Number(root, "disk", 0, 0, 1L << 40);
        if (diskError is not null) return (null, diskError);
        if (mem != Math.Floor(mem)) return (null, Invalid("mem", "must be a whole number of MiB"));
        if (disk != Math.Floor(disk)) return (null, Invalid("disk", "must be a whole number of MiB"));

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("env", out var e))
        {
            if (e.ValueKind != JsonValueKind.Object) return (null, Invalid("env", "must be an object of string values"));
            foreach (var variable in e.EnumerateObject())
            {
                if (!EnvNamePattern().IsMatch(variable.Name))
                    return (null, Invalid($"env.{variable.Name}", "is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)"));
                if (variable.Value.ValueKind != JsonValueKind.String)
                    return (null, Invalid($"env.{variable.Name}", "must be a string"));
                env[variable.Name] = variable.Value.GetString()!;
            }
        }
        var (ports, portsError) = Number(root, "ports", 0, 0, MaxPorts);
        if (portsError is not null) return (null, portsError);
        if (ports != Math.Floor(ports)) return (null, Invalid("ports", "must be a whole number of ports"));
        if (Core.Isolation.LaunchText.Invalid(hasCmd ? argv[^1] : null, hasCmd ? null : argv, env, null) is { } text) return (null, Invalid(text.Field, text.Reason));
        var spec = new TaskSpec(name, argv, env, new Resources(cpus, (long)mem, (long)disk), Ports: (int)ports,
            Image: image is null ? null : image with { Shell = hasCmd });
        return TaskFetchField.Apply(root, TaskConstraintsField.Apply(root, TaskIsolationFields.Apply(root, spec)));
    }

    private static (double, ApiError?) Number(JsonElement root, string field, double fallback, double min, double max)
    {
        if (!root.TryGetProperty(field, out var value)) return (fallback, null);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || double.IsNaN(number))
            return (0, Invalid(field, "must be a number"));
        if (number < min || number > max) return (0, Invalid(field, $"must be between {min} and {max}"));
        return (number, null);
    }

    internal static ApiError Invalid(string field, string reason) =>
        new($"invalid request: {(field.Length == 0 ? "body" : field)}: {reason}", field, reason);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvNamePattern();
}
