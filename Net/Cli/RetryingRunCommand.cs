using System.Security.Cryptography;
using System.Text.Json;
using MiniMesos.Net.Http;

namespace MiniMesos.Net.Cli;

/// <summary>
/// `minimesos run --retries N -- cmd`: runs the command as a one-shot job with N retries, streams each attempt's
/// output here and exits with the last attempt's exit code. Ctrl-C removes the job, which kills the attempt in
/// flight. The job stays afterwards, so `minimesos job show ID` has every attempt.
/// </summary>
internal static class RetryingRunCommand
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    public static async Task<int> RunAsync(ApiClient client, TaskSubmitRequest task, int retries, bool detach, TextWriter stdout, TextWriter stderr)
    {
        var id = $"{(task.Name ?? "run").ToLowerInvariant()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var request = new JobRequest(id, task.Cmd, task.Args, task.Env is null ? null : new Dictionary<string, string>(task.Env), task.Cpus, task.Mem,
            Retry: new JobRetryRequest(retries, 1, 2, 30));
        var (status, body) = await client.SendAsync(HttpMethod.Post, "/v1/jobs", JsonSerializer.Serialize(request, JobsJsonContext.Api.JobRequest),
            CancellationToken.None).ConfigureAwait(false);
        AppCommands.Check(status, body);
        if (detach)
        {
            await stdout.WriteLineAsync(id).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        await stderr.WriteLineAsync($"minimesos: job {id}: up to {retries + 1} attempts").ConfigureAwait(false);
        using var signal = new ShutdownSignal(() =>
        {
            stderr.WriteLine($"minimesos: removing job {id} (kills its attempt)");
            _ = client.SendAsync(HttpMethod.Delete, $"/v1/jobs/{id}", null, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        for (var attempt = 1; ; attempt++)
        {
            var taskId = $"{id}.1.{attempt}";
            if (await WaitForAttemptAsync(client, id, attempt, stderr).ConfigureAwait(false) is not { } started) return ExitCodes.RuntimeError;
            if (started.TryGetProperty("taskState", out _))
            {
                await using var outStream = Console.OpenStandardOutput();
                await using var errStream = Console.OpenStandardError();
                await Task.WhenAll(client.FollowLogAsync(taskId, "stdout", outStream, CancellationToken.None),
                    client.FollowLogAsync(taskId, "stderr", errStream, CancellationToken.None)).ConfigureAwait(false);
            }
            var (run, ended) = await WaitForEndAsync(client, id, attempt).ConfigureAwait(false);
            if (run is null) return ExitCodes.RuntimeError;
            if (run.Value.GetProperty("state").GetString() != "retry_pending")
                return RunCommand.ExitCode(await client.GetTaskAsync(taskId, CancellationToken.None).ConfigureAwait(false), stderr);
            var outcome = ended.TryGetProperty("message", out var m) ? m.GetString() : "failed";
            await stderr.WriteLineAsync($"minimesos: attempt {attempt} ended {outcome}; retrying").ConfigureAwait(false);
        }
    }

    /// <summary>Polls until attempt <paramref name="attempt"/> has a task (or ended without one); null when the job is gone.</summary>
    private static async Task<JsonElement?> WaitForAttemptAsync(ApiClient client, string id, int attempt, TextWriter stderr)
    {
        string? said = null;
        while (true)
        {
            var job = await JobAsync(client, id).ConfigureAwait(false);
            if (job is null) return null;
            if (Attempt(job.Value, attempt) is { } a && (a.TryGetProperty("taskState", out _) || a.GetProperty("state").GetString() is not ("active" or "retry_pending")))
                return a;
            if (job.Value.TryGetProperty("reason", out var reason) && reason.GetString() is { } why && why.Contains("waits", StringComparison.Ordinal) && why != said)
                await stderr.WriteLineAsync($"minimesos: job {id}: {said = why}").ConfigureAwait(false);
            await Task.Delay(Poll).ConfigureAwait(false);
        }
    }

    /// <summary>Polls until the jobs framework recorded the attempt's end: the run, and that attempt.</summary>
    private static async Task<(JsonElement? Run, JsonElement Attempt)> WaitForEndAsync(ApiClient client, string id, int attempt)
    {
        while (true)
        {
            var job = await JobAsync(client, id).ConfigureAwait(false);
            if (job is null) return (null, default);
            var run = job.Value.GetProperty("runs").EnumerateArray().FirstOrDefault();
            if (Attempt(job.Value, attempt) is { } a && a.GetProperty("state").GetString() is "succeeded" or "failed") return (run, a);
            await Task.Delay(Poll).ConfigureAwait(false);
        }
    }

    private static JsonElement? Attempt(JsonElement job, int attempt)
    {
        foreach (var run in job.GetProperty("runs").EnumerateArray())
            foreach (var a in run.GetProperty("attempts").EnumerateArray())
                if (a.GetProperty("attempt").GetInt32() == attempt) return a;
        return null;
    }

    private static async Task<JsonElement?> JobAsync(ApiClient client, string id)
    {
        var (status, body) = await client.SendAsync(HttpMethod.Get, $"/v1/jobs/{id}", null, CancellationToken.None).ConfigureAwait(false);
        return status == 404 ? null : AppCommands.Check(status, body);
    }
}
