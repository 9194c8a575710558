using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MiniMesos.Net.Cli;
using MiniMesos.Net.Http;
using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>The first task end to end: HTTP API -> master -> cluster port -> agent -> real process -> output back.</summary>
[Trait("Category", "Slow")]
public sealed class TaskApiTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static TaskSubmitRequest Shell(string script) => new(["/bin/sh", "-c", script], null, "e2e", 0.1, 32, null);

    [Fact]
    public async Task TaskRunsAndReportsOutputAndExitCode()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var client = cluster.Client();
        var task = await client.SubmitAsync(Shell("echo hello; echo oops >&2; exit 3"), CancellationToken.None);
        Assert.StartsWith("e2e.", task.Id);
        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        await Task.WhenAll(client.FollowLogAsync(task.Id, "stdout", stdout, CancellationToken.None),
            client.FollowLogAsync(task.Id, "stderr", stderr, CancellationToken.None)).WaitAsync(Patience);
        Assert.Equal("hello\n", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("oops\n", Encoding.UTF8.GetString(stderr.ToArray()));
        var final = await client.GetTaskAsync(task.Id, CancellationToken.None);
        Assert.Equal("TASK_FAILED", final.State);
        Assert.Equal(3, final.ExitCode);
        Assert.Equal(3, RunCommand.ExitCode(final, TextWriter.Null));
    }

    [Fact]
    public async Task OutputStreamsWhileTheTaskRuns()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var client = cluster.Client();
        // The task waits for a file the test creates only after it has seen the first line.
        var gate = Path.Combine(cluster.Dir, "gate");
        var task = await client.SubmitAsync(Shell($"echo first; while [ ! -e {gate} ]; do sleep 0.05; done; echo second"), CancellationToken.None);
        var output = new SignallingStream("first\n", () => File.WriteAllText(gate, ""));
        await client.FollowLogAsync(task.Id, "stdout", output, CancellationToken.None).WaitAsync(Patience);
        Assert.Equal("first\nsecond\n", output.Text);
        Assert.Equal("TASK_FINISHED", (await client.GetTaskAsync(task.Id, CancellationToken.None)).State);
    }

    [Fact]
    public async Task KillEndsARunningTask()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var client = cluster.Client();
        var task = await client.SubmitAsync(Shell("echo started; exec sleep 60"), CancellationToken.None);
        var output = new SignallingStream("started\n", () => { });
        var follow = client.FollowLogAsync(task.Id, "stdout", output, CancellationToken.None);
        await output.Seen.WaitAsync(Patience);
        var killed = await client.KillAsync(task.Id, CancellationToken.None);
        await follow.WaitAsync(Patience);
        var final = await client.GetTaskAsync(task.Id, CancellationToken.None);
        Assert.Equal("TASK_KILLED", final.State);
        Assert.Equal(15, final.Signal);
        Assert.Equal(143, RunCommand.ExitCode(final, TextWriter.Null));
        Assert.NotNull(killed);
    }

    [Fact]
    public async Task EventsStreamATaskThroughItsStatesAndMetricsCountIt()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var http = new HttpClient(TestTls.Handler()) { BaseAddress = new Uri($"https://{cluster.Api}"), Timeout = Patience };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Secret.Token);
        using var events = await http.GetAsync("/v1/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("application/x-ndjson", events.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        using var client = cluster.Client();
        var task = await client.SubmitAsync(Shell("exit 0"), CancellationToken.None);
        var states = new List<string>();
        long lastSeq = 0;
        while (!states.Contains("TASK_FINISHED"))
        {
            var line = await reader.ReadLineAsync().WaitAsync(Patience);
            Assert.NotNull(line);
            using var e = System.Text.Json.JsonDocument.Parse(line!);
            var seq = e.RootElement.GetProperty("seq").GetInt64();
            Assert.True(seq > lastSeq, "event sequence numbers increase");
            lastSeq = seq;
            if (e.RootElement.GetProperty("kind").GetString() == "task" && e.RootElement.GetProperty("id").GetString() == task.Id)
                states.Add(e.RootElement.GetProperty("state").GetString()!);
        }
        Assert.Equal("TASK_STAGING", states[0]);
        Assert.Contains("TASK_RUNNING", states);
        Assert.Equal(states.Distinct(), states.Where((s, i) => i == 0 || states[i - 1] != s));

        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("minimesos_tasks{state=\"TASK_FINISHED\"} 1", metrics);
        Assert.Contains("minimesos_raft_leader 1", metrics);
        Assert.Contains("minimesos_agents_connected 1", metrics);
        Assert.Matches("minimesos_http_request_duration_seconds_count\\{method=\"POST\",status=\"2xx\"\\} [1-9]", metrics);
        using var anonymous = new HttpClient(TestTls.Handler()) { BaseAddress = http.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task RequestsWithoutTheRightTokenGet401WithAReason()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        using var http = new HttpClient(TestTls.Handler()) { BaseAddress = new Uri($"https://{cluster.Api}") };
        var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var missing = await http.GetAsync("/v1/tasks");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Contains("missing bearer token", await missing.Content.ReadAsStringAsync());
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "mm_wrong-token-0123456789");
        var wrong = await http.GetAsync("/v1/tasks");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("wrong token", await wrong.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BadRequestsNameTheFieldAndChangeNothing()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        using var http = new HttpClient(TestTls.Handler()) { BaseAddress = new Uri($"https://{cluster.Api}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Secret.Token);
        var bad = await http.PostAsync("/v1/tasks", new StringContent("""{"args":["true"],"cpus":-1}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var body = await bad.Content.ReadAsStringAsync();
        Assert.Contains("\"field\":\"cpus\"", body);
        Assert.Empty(cluster.Master.Service.Tasks());
        using var huge = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/tasks")
        {
            Content = new ByteArrayContent(new byte[(1 << 20) + 10]),
            Headers = { ExpectContinue = true },
        });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        var unknown = await http.GetAsync("/v1/tasks/nope");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no task 'nope'", await unknown.Content.ReadAsStringAsync());
        var badStream = await http.GetAsync("/v1/tasks/nope/logs/stdin");
        Assert.Equal(HttpStatusCode.BadRequest, badStream.StatusCode);
        using var client = cluster.Client();
        var e = await Assert.ThrowsAsync<CliException>(() => client.SubmitAsync(new TaskSubmitRequest(["x"], null, "bad name!", null, null, null), CancellationToken.None));
        Assert.Equal(ExitCodes.UsageError, e.ExitCode);
    }

    [Fact]
    public async Task TaskWaitsWithAReasonUntilAnAgentArrives()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        using var client = cluster.Client();
        var task = await client.SubmitAsync(Shell("echo late"), CancellationToken.None);
        var waiting = await client.GetTaskAsync(task.Id, CancellationToken.None);
        Assert.Equal("TASK_STAGING", waiting.State);
        Assert.Equal("no agent is registered", waiting.WaitingReason);
        await cluster.StartAgentAsync("late-agent", cluster.Secret, "test");
        var output = new MemoryStream();
        await client.FollowLogAsync(task.Id, "stdout", output, CancellationToken.None).WaitAsync(Patience);
        Assert.Equal("late\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Theory]
    [InlineData(false, "test")]
    [InlineData(true, "other-cluster")]
    public async Task AgentsWithTheWrongSecretOrClusterAreRefused(bool rightSecret, string clusterName)
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        var secret = rightSecret ? cluster.Secret : new ClusterSecret(ClusterSecret.Generate(), "test");
        await cluster.StartAgentAsync("intruder", secret, clusterName, waitForRegistration: false);
        await Eventually.TrueAsync(() => cluster.Log.ToString().Contains("refused"), "the handshake is refused", Patience);
        // A refusal is logged at each attempt; the intruder keeps retrying, and must never get registered meanwhile.
        await Eventually.StaysTrueAsync(() => cluster.Master.Service.Agents().Count == 0, "no agent is registered", TimeSpan.FromMilliseconds(300));
    }
}
