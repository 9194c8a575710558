using System.Globalization;
using System.Text;
using MiniMesos.Net.Http.Server;
using MiniMesos.Core.Model;
using MiniMesos.Net.Master;

namespace MiniMesos.Net.Http;

/// <summary>
/// GET /v1/tasks/ID/output: a task's stdout and stderr in one response, as frames "NAME LENGTH\n" + LENGTH bytes (NAME
/// stdout or stderr), ending with one "task LENGTH\n" frame holding the task's view (JSON) as it was when the stream
/// ended. With ?follow=true the response ends only once the task has ended and all its output was sent, so a client
/// such as `minimesos run` needs one connection (one TLS handshake) for the whole task instead of one per stream
/// plus a final GET. POST /v1/tasks?follow=true answers the same way (<see cref="Submitted"/>), opening with a "submitted
/// LENGTH" frame that holds the task as submitted: `minimesos run` then needs one request for the whole task.
/// </summary>
internal static class TaskOutputEndpoint
{
    public const string ContentType = "application/x-minimesos-output";
    private const int ChunkBytes = 64 * 1024;
    private static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(100);

    public static async Task HandleAsync(MasterService master, string id, HttpContext context)
    {
        var query = context.Request.Query;
        var ct = context.RequestAborted;
        if (Offset(query, "stdout_offset") is not { } stdoutOffset) { await BadOffset(context, "stdout_offset").ConfigureAwait(false); return; }
        if (Offset(query, "stderr_offset") is not { } stderrOffset) { await BadOffset(context, "stderr_offset").ConfigureAwait(false); return; }
        if (Follow(query) is not { } follow)
        {
            await BadFollow(query).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        // A job's attempt is named before an offer launches it: following its output waits for the launch.
        for (var launched = master.WaitForChangeAsync(ct); master.Task(id) is null; launched = launched.IsCompleted ? master.WaitForChangeAsync(ct) : launched)
        {
            if (ct.IsCancellationRequested) return; // the client went away
            if (!follow || master.JobAwaitingLaunch(id) is null)
            {
                await ApiResults.Write(context, 404, new ApiError(TaskEndpoints.NoTaskMessage(master, id))).ConfigureAwait(false);
                return;
            }
            await Task.WhenAny(launched, Task.Delay(FollowPoll, ct)).ConfigureAwait(false);
        }
        await StreamAsync(master, id, [stdoutOffset, stderrOffset], follow, context, submitted: null).ConfigureAwait(false);
    }

    /// <summary>?follow=true|1|(empty) or false|0, false when absent; null for anything else (<see cref="BadFollow"/>).</summary>
    public static bool? Follow(QueryValues query) =>
        !query.TryGetValue("follow", out var f) ? false
        : f.ToString() is "1" or "true" or "" ? true
        : f.ToString() is "0" or "false" ? false
        : null;

    public static IResult BadFollow(QueryValues query) =>
        ApiResults.Error(400, new ApiError($"invalid request: follow: must be true or false, not '{query["follow"]}'", "follow", "must be true or false"));

    /// <summary>The answer to POST /v1/tasks?follow=true: 201, the task's place, then its frames from a "submitted" one on.</summary>
    public static IResult Submitted(MasterService master, string id, byte[] view) => new SubmittedResult(master, id, view);

    private sealed class SubmittedResult(MasterService master, string id, byte[] view) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.Headers.Location = $"/v1/tasks/{id}";
            return StreamAsync(master, id, [0, 0], follow: true, context, submitted: view);
        }
    }

    private static async Task StreamAsync(MasterService master, string id, long[] offsets, bool follow, HttpContext context, byte[]? submitted)
    {
        var ct = context.RequestAborted;
        context.Response.ContentType = ContentType;
        context.Response.Headers.CacheControl = "no-cache";
        try
        {
            await context.Response.StartAsync(ct).ConfigureAwait(false);
            if (submitted is not null) await WriteFrameAsync(context, "submitted", submitted, ct).ConfigureAwait(false);
            var task = master.Task(id)!;
            Task? changed = null;
            while (!ct.IsCancellationRequested)
            {
                // The change signal is taken before the state is read, so a change (the task's end) that happens while the
                // logs are being read wakes the wait below at once instead of after a poll interval. A signal still pending
                // is still the current one: kept, so a long follow holds one waiter, not one per poll.
                if (changed is null || changed.IsCompleted) changed = master.WaitForChangeAsync(ct);
                // Read the state before the data: if the task had ended by then, empty reads mean the end.
                task = master.Task(id) ?? task;
                // Nothing is written before the command runs (placed, starting): no round trip to the agent for that, on
                // each of the commits that come while the task is launched.
                var reads = task.AgentId is null || task.State is TaskState.Staging or TaskState.Starting
                    ? null
                    : await Task.WhenAll(master.ReadLogAsync(id, "stdout", offsets[0], ChunkBytes, ct), master.ReadLogAsync(id, "stderr", offsets[1], ChunkBytes, ct))
                        .ConfigureAwait(false);
                var sent = false;
                for (var i = 0; reads is not null && i < reads.Length; i++)
                {
                    if (reads[i] is not { Data.Length: > 0 } chunk) continue;
                    await WriteFrameAsync(context, i == 0 ? "stdout" : "stderr", chunk.Data, ct).ConfigureAwait(false);
                    offsets[i] = chunk.Offset + chunk.Data.Length;
                    sent = true;
                }
                if (sent)
                {
                    await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                    continue;
                }
                // Not following, ended with everything sent, or the agent is gone (nothing more will come): the task's view ends it.
                if (!follow || task.State.IsTerminal() || task.AgentId is not null && reads is not null && Array.Exists(reads, r => r is null))
                {
                    var view = TaskEndpoints.View(master, task.State.IsTerminal() ? task : master.Task(id) ?? task);
                    await WriteFrameAsync(context, "task", ApiResults.Serialize(view, ApiJsonContext.Api.TaskView), ct).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                    return;
                }
                await Task.WhenAny(changed, Task.Delay(FollowPoll, ct)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static async Task WriteFrameAsync(HttpContext context, string name, byte[] data, CancellationToken ct)
    {
        var header = Encoding.ASCII.GetBytes($"{name} {data.Length.ToString(CultureInfo.InvariantCulture)}\n");
        await context.Response.Body.WriteAsync(header, ct).ConfigureAwait(false);
        await context.Response.Body.WriteAsync(data, ct).ConfigureAwait(false);
    }

    /// <summary>The offset asked for (0 when not given), or null when it is not a whole number >= 0.</summary>
    private static long? Offset(QueryValues query, string name) =>
        !query.TryGetValue(name, out var value) ? 0
        : long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset
        : null;

    private static Task BadOffset(HttpContext context, string field) =>
        ApiResults.Write(context, 400, new ApiError($"invalid request: {field}: must be a whole number >= 0", field, "must be a whole number >= 0"));
}
