using System.Text.Json;

namespace MiniMesos.Net.Cli;

/// <summary>The work of `minimesos job ...`: talks to the master's /v1/jobs API.</summary>
internal sealed class JobCommands(ApiClient client, TextWriter output)
{
    /// <summary>POSTs the definition; an id that exists already is replaced with PUT.</summary>
    public async Task<int> AddAsync(string json, CancellationToken ct)
    {
        var id = CliInput.DefinitionId(json, "job");
        var (status, body) = await client.SendAsync(HttpMethod.Post, "/v1/jobs", json, ct).ConfigureAwait(false);
        var created = status == 201;
        if (status == 409) (status, body) = await client.SendAsync(HttpMethod.Put, Path(id), json, ct).ConfigureAwait(false);
        var job = AppCommands.Check(status, body);
        await output.WriteLineAsync($"job {id}: {(created ? "created" : "replaced")}, {Describe(job)}").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    public async Task<int> ListAsync(CancellationToken ct)
    {
        var (status, body) = await client.SendAsync(HttpMethod.Get, "/v1/jobs", null, ct).ConfigureAwait(false);
        var jobs = AppCommands.Check(status, body).GetProperty("jobs");
        await output.WriteLineAsync($"{"ID",-24} {"STATUS",-13} {"SCHEDULE",-32} {"NEXT RUN",-24} REASON").ConfigureAwait(false);
        foreach (var job in jobs.EnumerateArray())
        {
            await output.WriteLineAsync($"{job.GetProperty("id").GetString(),-24} {job.GetProperty("status").GetString(),-13} " +
                $"{Text(job, "schedule") ?? "one-shot",-32} {Text(job, "nextRunAt") ?? "-",-24} {Text(job, "reason")}").ConfigureAwait(false);
        }
        return ExitCodes.Success;
    }

    public async Task<int> ShowAsync(string id, CancellationToken ct)
    {
        var job = await GetAsync(id, ct).ConfigureAwait(false);
        await output.WriteLineAsync($"job {job.GetProperty("id").GetString()}: {Describe(job)}").ConfigureAwait(false);
        var command = Text(job, "cmd") ?? string.Join(' ', job.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        await output.WriteLineAsync($"command: {command}").ConfigureAwait(false);
        var retry = job.GetProperty("retry");
        await output.WriteLineAsync($"resources: cpus {job.GetProperty("cpus").GetDouble()}, mem {job.GetProperty("mem").GetDouble()} MiB, " +
            $"disk {job.GetProperty("disk").GetDouble()} MiB; retries: {retry.GetProperty("maxRetries").GetInt32()} " +
            $"(backoff {retry.GetProperty("backoffSeconds").GetDouble()} s x{retry.GetProperty("backoffFactor").GetDouble()})").ConfigureAwait(false);
        if (Text(job, "reason") is { } reason) await output.WriteLineAsync($"now: {reason}").ConfigureAwait(false);
        await output.WriteLineAsync($"{"RUN",-24} {"ATTEMPT",7} {"TASK",-28} {"STATE",-13} {"TASK STATE",-13} {"EXIT",4} {"STARTED",-24} FINISHED")
            .ConfigureAwait(false);
        foreach (var run in job.GetProperty("runs").EnumerateArray())
        {
            foreach (var a in run.GetProperty("attempts").EnumerateArray())
            {
                var exit = a.TryGetProperty("exitCode", out var code) ? code.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) : "-";
                await output.WriteLineAsync($"{run.GetProperty("id").GetString(),-24} {a.GetProperty("attempt").GetInt32(),7} " +
                    $"{a.GetProperty("taskId").GetString(),-28} {a.GetProperty("state").GetString(),-13} {Text(a, "taskState") ?? "-",-13} {exit,4} " +
                    $"{Text(a, "startedAt") ?? "-",-24} {Text(a, "finishedAt") ?? Text(a, "retryAt")?.Insert(0, "retry at ") ?? "-"}").ConfigureAwait(false);
            }
        }
        return ExitCodes.Success;
    }

    public async Task<int> RunNowAsync(string id, CancellationToken ct)
    {
        var (status, body) = await client.SendAsync(HttpMethod.Post, $"{Path(id)}/run", null, ct).ConfigureAwait(false);
        var job = AppCommands.Check(status, body);
        var run = job.GetProperty("runs").EnumerateArray().LastOrDefault();
        await output.WriteLineAsync($"job {id}: run {(run.ValueKind == JsonValueKind.Object ? run.GetProperty("id").GetString() : "?")} started")
            .ConfigureAwait(false);
        return ExitCodes.Success;
    }

    public async Task<int> RemoveAsync(string id, CancellationToken ct)
    {
        var (status, body) = await client.SendAsync(HttpMethod.Delete, Path(id), null, ct).ConfigureAwait(false);
        AppCommands.Check(status, body);
        await output.WriteLineAsync($"job {id}: removed").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>--json: the API's answer to a GET, unchanged.</summary>
    public Task<int> RawAsync(string path, CancellationToken ct) => new AppCommands(client, output, Console.Error).RawAsync(path, ct);

    private async Task<JsonElement> GetAsync(string id, CancellationToken ct)
    {
        var (status, body) = await client.SendAsync(HttpMethod.Get, Path(id), null, ct).ConfigureAwait(false);
        return AppCommands.Check(status, body);
    }

    private static string Describe(JsonElement job) =>
        $"{Text(job, "schedule") ?? "one-shot"}, {job.GetProperty("status").GetString()}" +
        (Text(job, "nextRunAt") is { } next ? $", next run {next}" : "");

    private static string Path(string id) => $"/v1/jobs/{Uri.EscapeDataString(id)}";

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
