using MiniMesos.Net.Http.Server;
using MiniMesos.Core.Model;
using MiniMesos.Net.Master;

namespace MiniMesos.Net.Http;

/// <summary>/v1/tasks: submit one-shot tasks, read them, kill them, read and follow their output.</summary>
internal static class TaskEndpoints
{
    private const int MaxBodyBytes = 1 << 20;
    private const int LogChunkBytes = 64 * 1024;
    private static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(100);

    public static void Map(ApiRouter app, MasterService master)
    {
        app.MapPost("/v1/tasks", async (HttpContext context) =>
        {
            // ?follow=true: the answer goes on with the task's output and end (TaskOutputEndpoint), one request for `run`.
            if (TaskOutputEndpoint.Follow(context.Request.Query) is not { } follow) return TaskOutputEndpoint.BadFollow(context.Request.Query);
            // Refuse a declared-too-large body before reading it (a client using Expect: 100-continue never sends it).
            var body = context.Request.ContentLength > MaxBodyBytes
                ? null
                : await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            if (body is null) return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, $"the body is larger than {MaxBodyBytes} bytes");
            var (spec, error) = TaskRequestParser.Parse(body);
            if (error is not null) return ApiResults.Error(StatusCodes.Status400BadRequest, error);
            var task = await master.SubmitAsync(spec!, context.RequestAborted).ConfigureAwait(false);
            if (follow) return TaskOutputEndpoint.Submitted(master, task.Id, ApiResults.Serialize(View(master, task), ApiJsonContext.Api.TaskView));
            context.Response.Headers.Location = $"/v1/tasks/{task.Id}";
            return ApiResults.Json(View(master, task), ApiJsonContext.Api.TaskView, StatusCodes.Status201Created);
        });

        app.MapGet("/v1/tasks", () =>
            ApiResults.Json(new TaskList(master.Tasks().Select(t => View(master, t)).ToList()), ApiJsonContext.Api.TaskList));

        app.MapGet("/v1/tasks/{id}", (string id) => master.Task(id) is { } task
            ? ApiResults.Json(View(master, task), ApiJsonContext.Api.TaskView)
            : NoSuchTask(master, id));

        app.MapPost("/v1/tasks/{id}/kill", async (string id, CancellationToken ct) =>
        {
            var task = master.Task(id);
            if (task is null) return NoSuchTask(master, id);
            if (task.State.IsTerminal())
                return ApiResults.Error(StatusCodes.Status409Conflict, $"task '{id}' has already ended ({task.State.ToWire()})");
            await master.KillAsync(id, ct).ConfigureAwait(false);
            return ApiResults.Json(View(master, master.Task(id)!), ApiJsonContext.Api.TaskView, StatusCodes.Status202Accepted);
        });

        app.MapGet("/v1/tasks/{id}/logs/{stream}", (string id, string stream, HttpContext context) =>
            FollowLogAsync(master, id, stream, context));
        app.MapGet("/v1/tasks/{id}/output", (string id, HttpContext context) => TaskOutputEndpoint.HandleAsync(master, id, context));
    }

    public static TaskView View(MasterService master, TaskRecord t) => new(
        t.Id, t.Spec.Name, t.State.ToWire(), t.AgentId, t.Spec.Argv, t.Spec.Env, t.Spec.Resources.Cpus, t.Spec.Resources.MemMb,
        t.ExitCode, t.Signal, t.Message, master.WhyWaiting(t),
        DateTimeOffset.FromUnixTimeMilliseconds(t.SubmittedAtMs), DateTimeOffset.FromUnixTimeMilliseconds(t.UpdatedAtMs),
        t.Spec.Ports == 0 ? null : t.Spec.Ports, t.Spec.User, t.Spec.Network, t.Spec.Rootfs, t.Spec.Binds, t.Spec.Constraints,
        t.Spec.AppId is { } app ? master.App(app)?.ServicePorts : null,

        t.Spec.Image is { } image ? new TaskContainerRequest(image.Reference, image.ForcePull ? true : null) : null,
        t.Spec.Fetch?.Select(f => new TaskFetchView(f.Uri, f.Extract, f.Executable, f.Cache, f.DestPath)).ToList());

    private static IResult NoSuchTask(MasterService master, string id) => ApiResults.Error(StatusCodes.Status404NotFound, NoTaskMessage(master, id));

    internal static string NoTaskMessage(MasterService master, string id) => master.JobAwaitingLaunch(id) is { } job
        ? $"no task '{id}' yet: job '{job}' launches it when a resource offer fits (follow the log to wait for it)"
        : $"no task '{id}'";

    /// <summary>
    /// Streams a task's output from ?offset= (default 0). With ?follow=true the response stays open until
    /// the task has ended and every byte has been sent; output is relayed from the agent as it appears.
    /// </summary>
    private static async Task FollowLogAsync(MasterService master, string id, string stream, HttpContext context)
    {
        var query = context.Request.Query;
        var ct = context.RequestAborted;
        if (stream is not ("stdout" or "stderr"))
        {
            await ApiResults.Write(context, 400, new ApiError($"invalid request: stream: must be 'stdout' or 'stderr', not '{stream}'", "stream", "must be 'stdout' or 'stderr'")).ConfigureAwait(false);
            return;
        }
        long offset = 0;
        if (query.TryGetValue("offset", out var o) && (!long.TryParse(o, out offset) || offset < 0))
        {
            await ApiResults.Write(context, 400, new ApiError("invalid request: offset: must be a whole number >= 0", "offset", "must be a whole number >= 0")).ConfigureAwait(false);
            return;
        }
        var follow = query.TryGetValue("follow", out var f) && f.ToString() is "1" or "true" or "";
        // A job's attempt is named before an offer launches it: following its output waits for the launch.
        for (var launched = master.WaitForChangeAsync(ct); master.Task(id) is null; launched = launched.IsCompleted ? master.WaitForChangeAsync(ct) : launched)
        {
            if (ct.IsCancellationRequested) return; // the client went away
            if (!follow || master.JobAwaitingLaunch(id) is null)
            {
                await ApiResults.Write(context, 404, new ApiError(NoTaskMessage(master, id))).ConfigureAwait(false);
                return;
            }
            await Task.WhenAny(launched, Task.Delay(FollowPoll, ct)).ConfigureAwait(false);
        }
        context.Response.ContentType = "application/octet-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.StartAsync(ct).ConfigureAwait(false);
        try
        {
            Task? changed = null;
            while (!ct.IsCancellationRequested)
            {
                // The change signal is taken before the state is read: a change (the task's end) while the log is being read
                // then wakes the wait below at once, not a poll interval later. A pending signal is still the current one.
                if (changed is null || changed.IsCompleted) changed = master.WaitForChangeAsync(ct);
                // Read the state before the data: if the task had ended by then, an empty read means the end.
                var task = master.Task(id)!;
                var chunk = task.AgentId is null ? null : await master.ReadLogAsync(id, stream, offset, LogChunkBytes, ct).ConfigureAwait(false);
                if (chunk is { Data.Length: > 0 })
                {
                    await context.Response.Body.WriteAsync(chunk.Data, ct).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                    offset = chunk.Offset + chunk.Data.Length;
                    continue;
                }
                if (!follow || task.State.IsTerminal()) return;
                if (task.AgentId is not null && chunk is null) return; // the agent is gone: nothing more will come
                await Task.WhenAny(changed, Task.Delay(FollowPoll, ct)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    internal static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}
