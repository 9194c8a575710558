using System.Text.Json;
using MiniMesos.Net.Http.Server;
using MiniMesos.Core.Model;

namespace MiniMesos.Net.Http;

/// <summary>
/// Marathon's task endpoints: GET /v2/tasks (?status=running|staging), POST /v2/tasks/delete (?scale=true) and
/// DELETE /v2/apps/ID/tasks[/TID] (?host=, ?scale=true). With scale=true the kills and the lower instance count are one
/// step (<see cref="Master.AppsService.KillAndScaleAsync"/>) and the answer is the deployment; without, the app
/// replaces what was killed and the answer is the killed tasks.
/// </summary>
internal static class MarathonTaskEndpoints
{
    public static void Map(ApiRouter app, ApiContext context)
    {
        var master = context.Master;
        app.MapGet("/v2/tasks", (HttpContext http) =>
        {
            var wanted = http.Request.Query.All("status").Concat(http.Request.Query.All("status[]")).Select(s => s.ToLowerInvariant()).ToHashSet();
            foreach (var s in wanted)
                if (s is not ("running" or "staging")) return MarathonResults.Error(StatusCodes.Status400BadRequest, $"status: '{s}' is not one of running, staging");
            bool Wanted(TaskRecord t) => wanted.Count == 0
                || (wanted.Contains("running") && t.State == TaskState.Running)
                || (wanted.Contains("staging") && t.State is TaskState.Staging or TaskState.Starting);
            return ApiResults.Json(new MarathonTaskList(master.Tasks().Where(t => t.Spec.AppId is not null && !t.State.IsTerminal() && Wanted(t))
                .Select(t => MarathonViews.Task(master, t)).ToList()), MarathonJsonContext.Default.MarathonTaskList);
        });

        app.MapPost("/v2/tasks/delete", async (HttpContext http) =>
        {
            var body = await MarathonResults.ReadBodyAsync(http).ConfigureAwait(false);
            if (body is null) return MarathonResults.TooLarge();
            List<string> ids;
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (!doc.RootElement.TryGetProperty("ids", out var list) || list.ValueKind != JsonValueKind.Array
                    || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                    return MarathonResults.Invalid(MarathonParse.Fail([new("ids", "must be an array of task ids")]));
                ids = list.EnumerateArray().Select(e => e.GetString()!).Distinct(StringComparer.Ordinal).ToList();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                return MarathonResults.Error(StatusCodes.Status400BadRequest, $"Invalid JSON: {e.Message}");
            }
            var tasks = ids.Select(master.Task).ToList();
            var unknown = ids.Where((id, i) => tasks[i] is not { Spec.AppId: not null } t || t.State.IsTerminal()).ToList();
            if (unknown.Count > 0) return MarathonResults.Error(StatusCodes.Status400BadRequest, $"Invalid task id {string.Join(", ", unknown)}");
            return await KillAsync(context, http, tasks.Select(t => t!).ToList()).ConfigureAwait(false);
        });
    }

    /// <summary>DELETE /v2/apps/ID/tasks (every task, or those on ?host=) and /v2/apps/ID/tasks/TID.</summary>
    public static async Task<IResult> KillAppTasksAsync(ApiContext context, HttpContext http, string appId, string? taskId)
    {
        var master = context.Master;
        if (master.App(appId) is null) return MarathonResults.NoSuchApp(appId);
        var live = master.Tasks().Where(t => t.Spec.AppId == appId && !t.State.IsTerminal()).ToList();
        if (taskId is not null)
        {
            var task = live.FirstOrDefault(t => t.Id == taskId);
            if (task is null) return MarathonResults.Error(StatusCodes.Status404NotFound, $"Task '{taskId}' does not exist");
            live = [task];
        }
        else if (http.Request.Query["host"].ToString() is { Length: > 0 } host)
        {
            live = live.Where(t => MarathonViews.Task(master, t).Host == host).ToList();
        }
        return await KillAsync(context, http, live, single: taskId is not null).ConfigureAwait(false);
    }

    private static async Task<IResult> KillAsync(ApiContext context, HttpContext http, IReadOnlyList<TaskRecord> tasks, bool single = false)
    {
        var master = context.Master;
        var views = tasks.Select(t => MarathonViews.Task(master, t)).ToList();
        if (MarathonResults.Flag(http, "scale"))
        {
            if (context.Apps is null) return MarathonResults.Error(StatusCodes.Status503ServiceUnavailable, "the apps framework does not run on this master");
            string? version = null;
            string? deployment = null;
            foreach (var group in tasks.GroupBy(t => t.Spec.AppId!))
            {
                if (master.App(group.Key) is not { } app) continue;
                var scaled = app with
                {
                    Instances = Math.Max(0, app.Instances - group.Count()),
                    ScaledAt = MarathonViews.NewVersion(TimeProvider.System, app.LastChange),
                };
                await context.Apps.KillAndScaleAsync(scaled, group.Select(t => t.Id).ToList(), master.PutAppAsync, http.RequestAborted).ConfigureAwait(false);
                version = scaled.LastChange;
                deployment = MarathonViews.DeploymentId(scaled);
            }
            if (version is null) return ApiResults.Json(new MarathonTaskList([]), MarathonJsonContext.Default.MarathonTaskList);
            return ApiResults.Json(new MarathonChange(version, deployment), MarathonJsonContext.Default.MarathonChange);
        }
        foreach (var t in tasks) await master.KillAsync(t.Id, "killed through the API; the app replaces it", http.RequestAborted).ConfigureAwait(false);
        return single
            ? ApiResults.Json(new MarathonTaskEnvelope(views[0]), MarathonJsonContext.Default.MarathonTaskEnvelope)
            : ApiResults.Json(new MarathonTaskList(views), MarathonJsonContext.Default.MarathonTaskList);
    }
}
