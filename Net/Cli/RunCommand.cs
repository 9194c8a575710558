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
        var task = await client.SubmitAsync(request, CancellationToken.None).ConfigureAwait(false);
        if (detach)
        {
            await stdout.WriteLineAsync(task.Id).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        using var signal = new ShutdownSignal(() =>
        {
            stderr.WriteLine($"minimesos: killing task {task.Id}");
            _ = client.KillAsync(task.Id, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        using var done = new CancellationTokenSource();
        var notice = NoticeWaitingAsync(client, task.Id, stderr, done.Token);
        await using (var outStream = Console.OpenStandardOutput())
        await using (var errStream = Console.OpenStandardError())
        {
            await Task.WhenAll(
                client.FollowLogAsync(task.Id, "stdout", outStream, CancellationToken.None),
                client.FollowLogAsync(task.Id, "stderr", errStream, CancellationToken.None)).ConfigureAwait(false);
        }
        await done.CancelAsync().ConfigureAwait(false);
        await notice.ConfigureAwait(false);

        var final = await client.GetTaskAsync(task.Id, CancellationToken.None).ConfigureAwait(false);
        return ExitCode(final, stderr);
    }

    /// <summary>The task's exit code; 128+N for signal N; 1 (with the reason on stderr) when it never ran or was lost.</summary>
    public static int ExitCode(TaskView task, TextWriter stderr)
    {
        if (task.ExitCode is { } code) return code;
        if (task.Signal is { } signal) return 128 + signal;
        if (task.State == "TASK_FINISHED") return ExitCodes.Success;
        stderr.WriteLine($"minimesos: task {task.Id} {task.State}{(task.Message is null ? "" : $": {task.Message}")}");
        return ExitCodes.RuntimeError;
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
