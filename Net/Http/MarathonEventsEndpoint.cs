using System.Text;
using System.Text.Json;
using MiniMesos.Net.Http.Server;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.State;
using MiniMesos.Net.Master;

namespace MiniMesos.Net.Http;

/// <summary>
/// /v2/events: Marathon's event bus as Server-Sent Events (what marathon-lb and Traefik's Marathon provider read),
/// mapped from the master's event log: <c>event: TYPE</c>, <c>id: SEQ</c> and <c>data: {...,"eventType","timestamp"}</c>.
/// <c>event_type=</c> (repeatable) keeps only those types; a reconnect with <c>Last-Event-ID</c> replays what came after
/// that id first (while the master still buffers it), so a client misses nothing; a comment line every 15 s keeps
/// proxies from closing an idle stream. Like Marathon, it answers 406 to a client that does not accept text/event-stream.
/// </summary>
internal static class MarathonEventsEndpoint
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static async Task StreamAsync(ApiContext context, HttpContext http)
    {
        var master = context.Master;
        var accept = http.Request.Headers["Accept"];
        if (accept.Length > 0 && !accept.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) && !accept.Contains("*/*", StringComparison.Ordinal)
            && !accept.Contains("text/*", StringComparison.OrdinalIgnoreCase))
        {
            http.Response.StatusCode = StatusCodes.Status406NotAcceptable;
            await ApiResults.WriteBody(http, ApiResults.Serialize(new MarathonError("the event stream is text/event-stream: send 'Accept: text/event-stream'"), MarathonJsonContext.Default.MarathonError)).ConfigureAwait(false);
            return;
        }
        var types = http.Request.Query.All("event_type").SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);
        long after;
        var lastId = http.Request.Headers["Last-Event-ID"].ToString();
        if (lastId.Length > 0)
        {
            if (!long.TryParse(lastId, out after) || after < 0)
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                await ApiResults.WriteBody(http, ApiResults.Serialize(new MarathonError("Last-Event-ID: must be an id this stream sent (a whole number)"), MarathonJsonContext.Default.MarathonError)).ConfigureAwait(false);
                return;
            }
        }
        else
        {
            after = master.EventsAfter(0).LastOrDefault()?.Seq ?? 0;
        }
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var ct = http.RequestAborted;
        var deployments = new MarathonDeploymentTracker(master);
        await http.Response.StartAsync(ct).ConfigureAwait(false);
        if (http.Items.ContainsKey(ApiServer.HeadRequest)) return;
        try
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (Wanted(types, "event_stream_attached"))
                await WriteAsync(http, "event_stream_attached", null, Data(w =>
                {
                    w.WriteString("remoteAddress", http.RemoteIpAddress?.ToString() ?? "");
                }, "event_stream_attached", now), ct).ConfigureAwait(false);
            while (!ct.IsCancellationRequested)
            {
                var changed = master.WaitForChangeAsync(ct);
                foreach (var e in master.EventsAfter(after))
                {
                    after = e.Seq;
                    // One log event may stand for several Marathon events: the id goes on the last, so a client cut off
                    // between them resumes with all of them again (a repeat, never a gap).
                    var wanted = Map(context, e).Concat(deployments.After(e)).Where(m => Wanted(types, m.Type)).ToList();
                    for (var i = 0; i < wanted.Count; i++)
                        await WriteAsync(http, wanted[i].Type, i == wanted.Count - 1 ? e.Seq : null, wanted[i].Data, ct).ConfigureAwait(false);
                }
                await http.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                if (await Task.WhenAny(changed, Task.Delay(Heartbeat, ct)).ConfigureAwait(false) != changed)
                    await http.Response.Body.WriteAsync(":\n\n"u8.ToArray(), ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static bool Wanted(HashSet<string> types, string type) => types.Count == 0 || types.Contains(type);

    private static async Task WriteAsync(HttpContext http, string type, long? id, byte[] data, CancellationToken ct)
    {
        var head = id is { } seq ? $"id: {seq}\nevent: {type}\ndata: " : $"event: {type}\ndata: ";
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(head), ct).ConfigureAwait(false);
        await http.Response.Body.WriteAsync(data, ct).ConfigureAwait(false);
        await http.Response.Body.WriteAsync("\n\n"u8.ToArray(), ct).ConfigureAwait(false);
    }

    /// <summary>The Marathon events one log event stands for (none for what Marathon would not report: /v1 tasks, agents).</summary>
    internal static IEnumerable<(string Type, byte[] Data)> Map(ApiContext context, ClusterEvent e)
    {
        var master = context.Master;
        switch (e.Kind)
        {
            case "task" when master.Task(e.Id) is { Spec.AppId: { } appId } task:
                var view = MarathonViews.Task(master, task);
                yield return ("status_update_event", Data(w =>
                {
                    w.WriteString("slaveId", e.AgentId ?? "");
                    w.WriteString("taskId", e.Id);
                    w.WriteString("taskStatus", e.State);
                    w.WriteString("message", e.Message ?? "");
                    w.WriteString("appId", appId);
                    w.WriteString("host", view.Host);
                    w.WriteStartArray("ports");
                    foreach (var p in view.Ports) w.WriteNumberValue(p);
                    w.WriteEndArray();
                    w.WriteString("version", view.Version);
                }, "status_update_event", e.AtMs));
                break;
            case "health_status_changed" when master.Task(e.Id) is { Spec.AppId: { } appId } task:
                yield return ("health_status_changed_event", Data(w =>
                {
                    w.WriteString("appId", appId);
                    w.WriteString("instanceId", e.Id);
                    w.WriteString("taskId", e.Id);
                    w.WriteString("version", task.Spec.AppVersion ?? "");
                    w.WriteBoolean("alive", e.State == "healthy");
                }, "health_status_changed_event", e.AtMs));
                break;
            case "app_updated":
                var app = master.App(e.Id);
                yield return ("api_post_event", Data(w =>
                {
                    w.WriteString("clientIp", "");
                    w.WriteString("uri", $"/v2/apps{e.Id}");
                    if (app is null) return;
                    w.WritePropertyName("appDefinition");
                    JsonSerializer.Serialize(w, MarathonViews.Definition(app), MarathonJsonContext.Default.MarathonApp);
                }, "api_post_event", e.AtMs));
                yield return ("deployment_info", Deployment("deployment_info", MarathonDeploymentTracker.PlanOf(master, e), e.AtMs));
                break;
            case "app_removed":
                yield return ("app_terminated_event", Data(w => w.WriteString("appId", e.Id), "app_terminated_event", e.AtMs));
                yield return ("deployment_info", Deployment("deployment_info", MarathonDeploymentTracker.PlanOf(master, e), e.AtMs));
                break;
        }
    }

    /// <summary>
    /// A deployment event: deployment_info and the step events carry the plan and its current step, deployment_success
    /// and deployment_failed the plan's id and the plan (failed also the reason), as Marathon's event bus writes them.
    /// </summary>
    internal static byte[] Deployment(string type, MarathonDeploymentTracker.Plan plan, long atMs, string? reason = null) => Data(w =>
    {
        if (type is "deployment_success" or "deployment_failed") w.WriteString("id", plan.Id);
        w.WriteStartObject("plan");
        w.WriteString("id", plan.Id);
        w.WriteString("version", plan.Version);
        w.WriteEndObject();
        if (type is "deployment_info" or "deployment_step_success" or "deployment_step_failure")
        {
            w.WriteStartObject("currentStep");
            w.WriteStartArray("actions");
            w.WriteStartObject();
            w.WriteString("action", plan.Action);
            w.WriteString("app", plan.AppId);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        if (reason is not null) w.WriteString("reason", reason);
    }, type, atMs);

    private static byte[] Data(Action<Utf8JsonWriter> fields, string type, long atMs)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            fields(w);
            w.WriteString("eventType", type);
            w.WriteString("timestamp", MarathonTime.Format(atMs));
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
