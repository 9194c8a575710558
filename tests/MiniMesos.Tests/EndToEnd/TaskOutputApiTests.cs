using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MiniMesos.Net.Cli;
using MiniMesos.Net.Http;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>GET /v1/tasks/ID/output: both streams and the task's end in one framed response, against a real master, agent and process.</summary>
[Trait("Category", "Slow")]
public sealed class TaskOutputApiTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static TaskSubmitRequest Shell(string script) => new(["/bin/sh", "-c", script], null, "out", 0.1, 32, null);

    private static HttpClient Http(InProcessCluster cluster)
    {
        var http = new HttpClient(TestTls.Handler()) { BaseAddress = new Uri($"https://{cluster.Api}"), Timeout = Patience };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Secret.Token);
        return http;
    }

    [Fact]
    public async Task FollowingGivesBothStreamsThenTheEndedTask()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var client = cluster.Client();
        var task = await client.SubmitAsync(Shell("echo hello; echo oops >&2; echo again; exit 3"), CancellationToken.None);
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var final = await client.FollowOutputAsync(task.Id, stdout, stderr, CancellationToken.None).WaitAsync(Patience);
        Assert.Equal("hello\nagain\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("oops\n", Encoding.UTF8.GetString(stderr.ToArray()));
        Assert.NotNull(final);
        Assert.Equal(task.Id, final!.Id);
        Assert.Equal("TASK_FAILED", final.State);
        Assert.Equal(3, final.ExitCode);

        // The wire form, as a third-party client reads it: frames "NAME LENGTH\n" + bytes, the task's JSON last.
        using var http = Http(cluster);
        using var response = await http.GetAsync($"/v1/tasks/{task.Id}/output?stdout_offset=2&stderr_offset=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TaskOutputEndpoint.ContentType, response.Content.Headers.ContentType?.MediaType);
        var frames = Frames(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("llo\nagain\n", string.Concat(frames.Where(f => f.Name == "stdout").Select(f => f.Text)));
        Assert.Equal("ops\n", string.Concat(frames.Where(f => f.Name == "stderr").Select(f => f.Text)));
        Assert.Equal("task", frames[^1].Name);
        Assert.Single(frames, f => f.Name == "task");
        Assert.Contains("\"state\":\"TASK_FAILED\"", frames[^1].Text);
    }

    [Fact]
    public async Task ASubmitWithFollowAnswersWithTheTaskThenItsOutputAndEnd()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        // The wire form: 201, the task's place, then a "submitted" frame with the task as submitted, its output, its end.
        using var http = Http(cluster);
        using var post = await http.PostAsync("/v1/tasks?follow=true",
            new StringContent("""{"cmd": "echo hello; echo oops >&2; exit 4", "cpus": 0.1, "mem": 32}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        Assert.Equal(TaskOutputEndpoint.ContentType, post.Content.Headers.ContentType?.MediaType);
        var frames = Frames(await post.Content.ReadAsByteArrayAsync());
        Assert.Equal("submitted", frames[0].Name);
        var id = System.Text.Json.JsonDocument.Parse(frames[0].Text).RootElement.GetProperty("id").GetString()!;
        Assert.Equal($"/v1/tasks/{id}", post.Headers.Location?.OriginalString);
        Assert.Equal("hello\n", string.Concat(frames.Where(f => f.Name == "stdout").Select(f => f.Text)));
        Assert.Equal("oops\n", string.Concat(frames.Where(f => f.Name == "stderr").Select(f => f.Text)));
        Assert.Equal("task", frames[^1].Name);
        Assert.Contains($"\"id\":\"{id}\"", frames[^1].Text);
        Assert.Contains("\"exit_code\":4", frames[^1].Text);

        // The CLI's client: the task first, then the same frames through FollowOutputAsync.
        using var client = cluster.Client();
        using var answer = await client.SubmitFollowingAsync(Shell("echo again; exit 0"), CancellationToken.None).WaitAsync(Patience);
        Assert.NotNull(answer.Output);
        Assert.StartsWith("out.", answer.Task.Id);
        var stdout = new MemoryStream();
        var final = await client.FollowOutputAsync(answer.Task.Id, stdout, Stream.Null, CancellationToken.None, answer.Output).WaitAsync(Patience);
        Assert.Equal("again\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal(answer.Task.Id, final!.Id);
        Assert.Equal("TASK_FINISHED", final.State);

        // A bad follow value is refused before anything is submitted.
        var before = (await client.TasksAsync(CancellationToken.None)).Tasks.Count;
        using var bad = await http.PostAsync("/v1/tasks?follow=maybe",
            new StringContent("""{"cmd": "true", "cpus": 0.1, "mem": 32}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"field\":\"follow\"", await bad.Content.ReadAsStringAsync());
        Assert.Equal(before, (await client.TasksAsync(CancellationToken.None)).Tasks.Count);
    }

    [Fact]
    public async Task ATaskThatWritesALotArrivesWholeOnBothStreams()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var client = cluster.Client();
        // 3 MB on stdout and 1 MB on stderr, interleaved in time: many 64 KiB frames of each.
        var task = await client.SubmitAsync(Shell(
            "awk 'BEGIN { for (i = 0; i < 62500; i++) print \"0123456789abcde\" }' >&2 & awk 'BEGIN { for (i = 0; i < 750000; i++) print \"abc\" }'; wait"), CancellationToken.None);
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        var final = await client.FollowOutputAsync(task.Id, stdout, stderr, CancellationToken.None).WaitAsync(Patience);
        Assert.Equal("TASK_FINISHED", final!.State);
        Assert.Equal(3_000_000, stdout.Length);
        Assert.Equal(1_000_000, stderr.Length);
        Assert.True(Encoding.ASCII.GetString(stdout.ToArray()).Split('\n').SkipLast(1).All(l => l == "abc"), "stdout is abc lines, nothing of stderr or a frame header in it");
        Assert.True(Encoding.ASCII.GetString(stderr.ToArray()).Split('\n').SkipLast(1).All(l => l == "0123456789abcde"), "stderr is whole lines too");
    }

    [Fact]
    public async Task AClientThatGoesAwayLeavesTheTaskAndTheMasterServing()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var client = cluster.Client();
        var task = await client.SubmitAsync(Shell("i=0; while :; do i=$((i+1)); echo line $i; sleep 0.01; done"), CancellationToken.None);
        using (var http = Http(cluster))
        using (var cts = new CancellationTokenSource(Patience))
        {
            using var response = await http.GetAsync($"/v1/tasks/{task.Id}/output?follow=true", HttpCompletionOption.ResponseHeadersRead, cts.Token);
            await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
            var first = new byte[64];
            Assert.True(await body.ReadAsync(first, cts.Token) > 0);
            Assert.StartsWith("stdout ", Encoding.ASCII.GetString(first));
            // The client goes away mid-stream (the connection is closed with the client).
        }
        // The master's side of that request ends (the request metrics count a request when it ends: the only GET so far,
        // besides the /metrics reads of this loop, each counted once it has been answered).
        using (var http = Http(cluster))
        {
            var reads = 0;
            await Eventually.TrueAsync(async () =>
            {
                var metrics = await http.GetStringAsync("/metrics");
                var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("minimesos_http_request_duration_seconds_count{method=\"GET\",status=\"2xx\"}", StringComparison.Ordinal));
                return line is not null && long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture) > reads++;
            }, "the departed client's request ends on the master", Patience);
        }
        // The task runs on and another follower gets its output from the start, then its end once killed.
        var output = new SignallingStream("line 1\nline 2\nline 3\n", () => { });
        var follow = client.FollowOutputAsync(task.Id, output, Stream.Null, CancellationToken.None);
        await output.Seen.WaitAsync(Patience);
        Assert.Equal("TASK_RUNNING", (await client.GetTaskAsync(task.Id, CancellationToken.None)).State);
        await client.KillAsync(task.Id, CancellationToken.None);
        var final = await follow.WaitAsync(Patience);
        Assert.Equal("TASK_KILLED", final!.State);
        Assert.StartsWith("line 1\nline 2\nline 3\n", output.Text);
    }

    [Fact]
    public async Task BadInputGets400NamingTheField()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        using var http = Http(cluster);
        foreach (var (query, field) in new[] { ("stdout_offset=-1", "stdout_offset"), ("stderr_offset=x", "stderr_offset"), ("follow=maybe", "follow") })
        {
            using var bad = await http.GetAsync($"/v1/tasks/nope/output?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains($"\"field\":\"{field}\"", await bad.Content.ReadAsStringAsync());
        }
        using var unknown = await http.GetAsync("/v1/tasks/nope/output?follow=true");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no task 'nope'", await unknown.Content.ReadAsStringAsync());
        using var client = cluster.Client();
        var e = await Assert.ThrowsAsync<CliException>(() => client.FollowOutputAsync("nope", Stream.Null, Stream.Null, CancellationToken.None));
        Assert.Contains("no task 'nope'", e.Message);
    }

    private static List<(string Name, string Text)> Frames(byte[] body)
    {
        var frames = new List<(string, string)>();
        for (var at = 0; at < body.Length; )
        {
            var newline = Array.IndexOf(body, (byte)'\n', at);
            var header = Encoding.ASCII.GetString(body, at, newline - at).Split(' ');
            var length = int.Parse(header[1], System.Globalization.CultureInfo.InvariantCulture);
            frames.Add((header[0], Encoding.UTF8.GetString(body, newline + 1, length)));
            at = newline + 1 + length;
        }
        return frames;
    }
}
