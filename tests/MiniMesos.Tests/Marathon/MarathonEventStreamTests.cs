using System.Text;
using System.Text.Json;
using MiniMesos.Tests.EndToEnd;
using Xunit;

namespace MiniMesos.Tests.Marathon;

/// <summary>/v2/events as an SSE client reads it (the format of Marathon's examples/events.txt): types, data, filters, resume.</summary>
[Trait("Category", "Slow")]
public sealed class MarathonEventStreamTests
{
    private sealed record SseEvent(string? Id, string Type, JsonElement Data);

    /// <summary>Reads SSE events (comment lines skipped) until <paramref name="enough"/> holds or the time is up.</summary>
    private static async Task<List<SseEvent>> ReadAsync(HttpClient http, string path, string? lastEventId, Func<List<SseEvent>, bool> enough,
        Func<Task>? whileConnected = null)
    {
        using var cts = new CancellationTokenSource(MarathonApps.Patience);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null) request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token), Encoding.UTF8);
        var events = new List<SseEvent>();
        string? id = null, type = null, data = null;
        var acted = whileConnected is null;
        while (!enough(events))
        {
            if (!acted && events.Count > 0)
            {
                acted = true;
                await whileConnected!();
            }
            var line = await reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException("the stream ended");
            if (line.StartsWith(':')) continue;
            if (line.Length == 0)
            {
                if (type is not null && data is not null) events.Add(new SseEvent(id, type, JsonDocument.Parse(data).RootElement.Clone()));
                id = type = data = null;
                continue;
            }
            var colon = line.IndexOf(':');
            var (field, value) = (line[..colon], line[(colon + 1)..].TrimStart());
            if (field == "id") id = value;
            else if (field == "event") type = value;
            else if (field == "data") data = value;
        }
        return events;
    }

    [Fact]
    public async Task StatusUpdatesArriveAsMarathonEventsAndAReconnectWithLastEventIdMissesNothing()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 1);
        try
        {
            using (var request = new HttpRequestMessage(HttpMethod.Get, "/v2/events"))
            {
                request.Headers.Accept.ParseAdd("application/json");
                using var refused = await lab.Http.SendAsync(request);
                Assert.Equal(406, (int)refused.StatusCode);
            }

            // Attach, create the app while attached, read until it runs.
            var first = await ReadAsync(lab.Http, "/v2/events", null,
                e => e.Any(x => x.Type == "status_update_event" && x.Data.GetProperty("taskStatus").GetString() == "TASK_RUNNING"),
                async () => Assert.Equal(201, (await lab.SendAsync(HttpMethod.Post, "/v2/apps",
                    $$"""{"id": "/sse", "cmd": "{{lab.SleeperCmd}}", "cpus": 0.1, "mem": 16}""")).Status));
            Assert.Equal("event_stream_attached", first[0].Type);
            Assert.Contains(first, e => e.Type == "api_post_event" && e.Data.GetProperty("appDefinition").GetProperty("id").GetString() == "/sse");
            foreach (var e in first)
            {
                Assert.Equal(e.Type, e.Data.GetProperty("eventType").GetString());
                MarathonSchema.AssertTime(e.Data.GetProperty("timestamp").GetString(), e.Type);
            }
            var running = first.Last();
            Assert.Equal("/sse", running.Data.GetProperty("appId").GetString());
            foreach (var field in new[] { "slaveId", "taskId", "host", "ports", "version" }) Assert.True(running.Data.TryGetProperty(field, out _), field);
            var lastId = first.Last(e => e.Id is not null).Id!;

            // While nobody listens the task is killed (the app replaces it); a reconnect from the last id gets all of it.
            var taskId = running.Data.GetProperty("taskId").GetString()!;
            Assert.Equal(200, (await lab.SendAsync(HttpMethod.Delete, $"/v2/apps/sse/tasks/{taskId}")).Status);
            await Eventually.TrueAsync(() => lab.Cluster.Master.Service.Task(taskId)!.State.ToString() == "Killed", $"task {taskId} is killed",
                MarathonApps.Patience);
            var resumed = await ReadAsync(lab.Http, "/v2/events?event_type=status_update_event", lastId,
                e => e.Any(x => x.Data.GetProperty("taskId").GetString() == taskId && x.Data.GetProperty("taskStatus").GetString() == "TASK_KILLED"));
            Assert.All(resumed, e => Assert.Equal("status_update_event", e.Type));
            Assert.All(resumed.Where(e => e.Id is not null), e => Assert.True(long.Parse(e.Id!) > long.Parse(lastId)));
        }
        finally
        {
            lab.KillLeftovers();
        }
    }

    [Fact]
    public async Task DeploymentsEndInSuccessOrFailedEventsAndIdsOnlyGrow()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 1);
        try
        {
            const string types = "/v2/events?event_type=event_stream_attached,deployment_info,deployment_success,deployment_failed,deployment_step_success,deployment_step_failure";
            string Plan(SseEvent e) => e.Data.GetProperty("plan").GetProperty("id").GetString()!;
            var events = await ReadAsync(lab.Http, types, null,
                e => e.Count(x => x.Type is "deployment_success" or "deployment_failed") >= 3,
                async () =>
                {
                    Assert.Equal(201, (await lab.SendAsync(HttpMethod.Post, "/v2/apps",
                        $$"""{"id": "/deploy", "cmd": "{{lab.SleeperCmd}}", "cpus": 0.1, "mem": 16}""")).Status);
                    await lab.WaitForAppAsync("/deploy", a => a.GetProperty("tasksRunning").GetInt32() == 1, "the first version runs");
                    // A version that never runs (its deployment never ends), replaced by another, then the app is deleted.
                    Assert.Equal(200, (await lab.SendAsync(HttpMethod.Put, "/v2/apps/deploy", """{"cmd": "exit 1"}""")).Status);
                    Assert.Equal(200, (await lab.SendAsync(HttpMethod.Put, "/v2/apps/deploy", """{"cmd": "exit 2"}""")).Status);
                    Assert.Equal(200, (await lab.SendAsync(HttpMethod.Delete, "/v2/apps/deploy")).Status);
                });
            var infos = events.Where(e => e.Type == "deployment_info").ToList();
            Assert.True(infos.Count >= 4, string.Join(", ", events.Select(e => e.Type)));
            var success = events.First(e => e.Type == "deployment_success");
            Assert.Equal(Plan(infos[0]), success.Data.GetProperty("id").GetString());
            Assert.Contains(events, e => e.Type == "deployment_step_success" && Plan(e) == Plan(infos[0]));
            var failed = events.Where(e => e.Type == "deployment_failed").ToList();
            Assert.Equal([Plan(infos[1]), Plan(infos[2])], failed.Select(f => f.Data.GetProperty("id").GetString()!).Take(2));
            Assert.Contains("replaced by deployment", failed[0].Data.GetProperty("reason").GetString());
            Assert.Contains("deleted", failed[1].Data.GetProperty("reason").GetString());
            Assert.Contains(events, e => e.Type == "deployment_step_failure" && Plan(e) == Plan(infos[1]));
            Assert.Equal("StopApplication", infos[3].Data.GetProperty("currentStep").GetProperty("actions")[0].GetProperty("action").GetString());
            var ids = events.Where(e => e.Id is not null).Select(e => long.Parse(e.Id!)).ToList();
            Assert.Equal(ids.Order(), ids);
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }
        finally
        {
            lab.KillLeftovers();
        }
    }
}
