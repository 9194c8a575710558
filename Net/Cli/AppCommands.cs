using System.Diagnostics;
using System.Text.Json;

namespace MiniMesos.Net.Cli;

/// <summary>The work of `minimesos app ...`: talks to the master's Marathon-compatible /v2 API.</summary>
internal sealed class AppCommands(ApiClient client, TextWriter output, TextWriter error)
{
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    /// <summary>Creates or updates the app in <paramref name="json"/>, then (unless detached) waits until it runs all its instances.</summary>
    public async Task<int> DeployAsync(string json, bool detach, TimeSpan timeout, CancellationToken ct)
    {
        var id = CliInput.DefinitionId(json, "app");
        if (!id.StartsWith('/')) id = "/" + id;
        var (status, body, notes) = await client.SendWithHeadersAsync(HttpMethod.Post, "/v2/apps", json, ct).ConfigureAwait(false);
        var created = status == 201;
        if (status == 409) (status, body, notes) = await client.SendWithHeadersAsync(HttpMethod.Put, $"/v2/apps{id}", json, ct).ConfigureAwait(false);
        var answer = Check(status, body);
        foreach (var w in notes.GetValueOrDefault(WarningsHeader) ?? []) await error.WriteLineAsync($"warning: {w}").ConfigureAwait(false);
        await output.WriteLineAsync($"{id}: {(created ? "created" : "updated")}, version {answer.GetProperty("version").GetString()}").ConfigureAwait(false);
        if (detach) return ExitCodes.Success;

        var watch = Stopwatch.StartNew();
        string? last = null;
        while (true)
        {
            var (app, waiting) = await ShowWithWaitingAsync(id, ct).ConfigureAwait(false);
            var instances = app.GetProperty("instances").GetInt32();
            var running = app.GetProperty("tasksRunning").GetInt32();
            var deploying = app.GetProperty("deployments").GetArrayLength() > 0;
            var line = $"{id}: {running}/{instances} running, {app.GetProperty("tasksStaged").GetInt32()} staged" +
                (waiting is not null ? $" (waiting: {waiting})" : "");
            if (line != last) await output.WriteLineAsync(line).ConfigureAwait(false);
            last = line;
            if (running == instances && !deploying)
            {
                await output.WriteLineAsync($"{id}: deployed").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            if (watch.Elapsed > timeout)
            {
                await error.WriteLineAsync($"minimesos: {id} is not fully deployed after {timeout.TotalSeconds:0} s: {line}").ConfigureAwait(false);
                return ExitCodes.RuntimeError;
            }
            await Task.Delay(Poll, ct).ConfigureAwait(false);
        }
    }

    private const string WarningsHeader = "X-MiniMesos-Warnings";

    /// <summary>The app, and why it waits for instances (the X-MiniMesos-Waiting header; null when nothing waits).</summary>
    public async Task<(JsonElement App, string? Waiting)> ShowWithWaitingAsync(string id, CancellationToken ct)
    {
        var (status, body, notes) = await client.SendWithHeadersAsync(HttpMethod.Get, $"/v2/apps{Normalise(id)}", null, ct).ConfigureAwait(false);
        return (Check(status, body).GetProperty("app"), notes.GetValueOrDefault("X-MiniMesos-Waiting")?.FirstOrDefault());
    }

    public async Task<int> ListAsync(CancellationToken ct)
    {
        var (status, body) = await client.SendAsync(HttpMethod.Get, "/v2/apps", null, ct).ConfigureAwait(false);
        var apps = Check(status, body).GetProperty("apps");
        await output.WriteLineAsync($"{"ID",-24} {"INSTANCES",9} {"RUNNING",7} {"STAGED",6} {"VERSION",-24}").ConfigureAwait(false);
        foreach (var app in apps.EnumerateArray())
        {
            await output.WriteLineAsync($"{app.GetProperty("id").GetString(),-24} {app.GetProperty("instances").GetInt32(),9} " +
                $"{app.GetProperty("tasksRunning").GetInt32(),7} {app.GetProperty("tasksStaged").GetInt32(),6} {app.GetProperty("version").GetString(),-24}")
                .ConfigureAwait(false);
        }
        return ExitCodes.Success;
    }

    public async Task<int> PrintAsync(string id, CancellationToken ct)
    {
        var (app, waiting) = await ShowWithWaitingAsync(id, ct).ConfigureAwait(false);
        await output.WriteLineAsync($"app {app.GetProperty("id").GetString()} version {app.GetProperty("version").GetString()}").ConfigureAwait(false);
        await output.WriteLineAsync($"command: {(app.TryGetProperty("cmd", out var cmd) ? cmd.GetString() : string.Join(' ', app.GetProperty("args").EnumerateArray().Select(a => a.GetString())))}").ConfigureAwait(false);
        await output.WriteLineAsync($"instances: {app.GetProperty("instances").GetInt32()}, running {app.GetProperty("tasksRunning").GetInt32()}, staged {app.GetProperty("tasksStaged").GetInt32()}").ConfigureAwait(false);
        if (waiting is not null) await output.WriteLineAsync($"waiting: {waiting}").ConfigureAwait(false);
        if (ServicePorts(app) is { Length: > 0 } service)
            await output.WriteLineAsync($"service ports: {service} (any agent's routing mesh){(app.TryGetProperty("requirePorts", out var rp) && rp.ValueKind == JsonValueKind.True ? ", requirePorts" : "")}").ConfigureAwait(false);
        await output.WriteLineAsync($"{"TASK",-28} {"STATE",-14} {"HOST",-16} VERSION").ConfigureAwait(false);
        foreach (var t in app.GetProperty("tasks").EnumerateArray())
        {
            await output.WriteLineAsync($"{t.GetProperty("id").GetString(),-28} {t.GetProperty("state").GetString(),-14} " +
                $"{(t.TryGetProperty("host", out var h) ? h.GetString() : "-"),-16} {t.GetProperty("version").GetString()}").ConfigureAwait(false);
        }
        return ExitCodes.Success;
    }

    /// <summary>"10000,10001" from an app's portDefinitions (their port is the service port); "" when it has none.</summary>
    private static string ServicePorts(JsonElement app) =>
        app.TryGetProperty("portDefinitions", out var defs) && defs.ValueKind == JsonValueKind.Array
            ? string.Join(",", defs.EnumerateArray().Select(d => d.TryGetProperty("port", out var p) && p.TryGetInt32(out var n) ? n : 0).Where(n => n > 0))
            : "";

    public async Task<int> ChangeAsync(HttpMethod method, string path, string? body, string done, CancellationToken ct)
    {
        var (status, text) = await client.SendAsync(method, path, body, ct).ConfigureAwait(false);
        var answer = Check(status, text);
        var deployment = answer.TryGetProperty("deploymentId", out var d) ? $"deployment {d.GetString()}" : "nothing changed";
        await output.WriteLineAsync($"{done} (version {answer.GetProperty("version").GetString()}, {deployment})").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>--json: the API's answer to a GET, unchanged.</summary>
    public async Task<int> RawAsync(string path, CancellationToken ct)
    {
        var (status, body) = await client.SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
        Check(status, body);
        await output.WriteLineAsync(body).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    public static string Normalise(string id) => id.StartsWith('/') ? id : "/" + id;

    /// <summary>The answer's JSON on success; otherwise a <see cref="CliException"/> with the master's message (exit 2 for invalid input).</summary>
    internal static JsonElement Check(int status, string body)
    {
        JsonElement root = default;
        try
        {
            root = JsonDocument.Parse(body.Length == 0 ? "{}" : body).RootElement.Clone();
        }
        catch (JsonException)
        {
            if (status is >= 200 and < 300) throw new CliException("the master sent an answer that is not JSON", ExitCodes.RuntimeError);
        }
        if (status is >= 200 and < 300) return root;
        var message = root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("message", out var m) || root.TryGetProperty("error", out m))
            ? m.GetString()
            : $"HTTP {status}";
        throw new CliException($"master: {message}", status is 400 or 422 ? ExitCodes.UsageError : ExitCodes.RuntimeError);
    }
}
