using MiniMesos.Core.Model;
using MiniMesos.Net.Http;

namespace MiniMesos.Net.Cli;

/// <summary>
/// `minimesos run -- cmd args`: submits a one-shot task, streams its stdout/stderr here and exits with its
/// exit code, like `docker run`. Ctrl-C kills the task (and still waits for its last output).
/// </summary>
internal static class RunCommand
{
    private static readonly TimeSpan WaitingNotice = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(ApiClient client, TaskSubmitRequest request, bool detach, TextWriter stdout, TextWriter stderr)
    {
        if (detach)
        {
            var submitted = await client.SubmitAsync(request, CancellationToken.None).ConfigureAwait(false);
            await stdout.WriteLineAsync(submitted.Id).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        // The submit's answer goes on with the task's output and end: one request for the whole run.
        using var answer = await client.SubmitFollowingAsync(request, CancellationToken.None).ConfigureAwait(false);
        var task = answer.Task;

        using var signal = new ShutdownSignal(() =>
        {
            stderr.WriteLine($"minimesos: killing task {task.Id}");
            _ = client.KillAsync(task.Id, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        using var done = new CancellationTokenSource();
        var notice = NoticeWaitingAsync(client, task.Id, stderr, done.Token);
        TaskView? final;
        await using (var outStream = Console.OpenStandardOutput())
        await using (var errStream = Console.OpenStandardError())
        {
            // Both streams and the task's end in the submit's answer (or, from an older master, in one more response on the
            // same connection): one TLS handshake per run.
            final = await client.FollowOutputAsync(task.Id, outStream, errStream, CancellationToken.None, answer.Output).ConfigureAwait(false);
            if (final is null) // a master without that endpoint: each stream on its own (two connections over HTTP/1.1)
                await Task.WhenAll(
                    client.FollowLogAsync(task.Id, "stdout", outStream, CancellationToken.None),
                    client.FollowLogAsync(task.Id, "stderr", errStream, CancellationToken.None)).ConfigureAwait(false);
        }
        await done.CancelAsync().ConfigureAwait(false);
        await notice.ConfigureAwait(false);

        final ??= await client.GetTaskAsync(task.Id, CancellationToken.None).ConfigureAwait(false);
        return ExitCode(final, stderr);
    }

    /// <summary>
    /// The task's exit code; 128+N for signal N; 137 with the reason when the OOM killer ended it; never 0 for a task
    /// that did not finish (1 with the reason when it has no code of its own: never ran, lost, killed).
    /// </summary>
    public static int ExitCode(TaskView task, TextWriter stderr)
    {
        if (!TaskStates.TryParseWire(task.State, out var state))
        {
            stderr.WriteLine($"minimesos: task {task.Id} is in an unknown state {task.State}");
            return ExitCodes.RuntimeError;
        }
        var (code, reason) = TaskEnd.Exit(state, task.ExitCode, task.Signal, task.Message);
        if (code != 0 && state != TaskState.Finished && (reason is not null || task.ExitCode is null && task.Signal is null))
            stderr.WriteLine($"minimesos: task {task.Id} {task.State}{(reason is null ? "" : $": {reason}")}");
        return code;
    }

    /// <summary>Says once, on stderr, why a task has not started yet when it waits for more than a moment.</summary>
    private static async Task NoticeWaitingAsync(ApiClient client, string id, TextWriter stderr, CancellationToken ct)
    {
        try
        {
            await Task.Delay(WaitingNotice, ct).ConfigureAwait(false);
            var task = await client.GetTaskAsync(id, ct).ConfigureAwait(false);
            if (task.WaitingReason is not null) await stderr.WriteLineAsync($"minimesos: task {id} is waiting: {task.WaitingReason}").ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or CliException)
        {
        }
    }
}
