using System.Globalization;
using System.Text.Json;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>/v1/jobs against a real master and agent: retries with history, an ISO schedule, run now, validation.</summary>
[Trait("Category", "Slow")]
public sealed class JobApiTests
{
    internal static Task<JsonElement> WaitForJobAsync(MarathonApps lab, string id, Func<JsonElement, bool> done, string what) =>
        Eventually.MatchAsync(async () => (await lab.SendAsync(HttpMethod.Get, $"/v1/jobs/{id}")).Body, done, what, MarathonApps.Patience,
            () => $"log:\n{lab.Cluster.Log}", TimeSpan.FromMilliseconds(100));

    private static List<JsonElement> Runs(JsonElement job) => job.GetProperty("runs").EnumerateArray().ToList();

    private static bool Settled(JsonElement job, int runs) =>
        job.GetProperty("status").GetString() == "idle" && Runs(job).Count == runs && Runs(job).All(r => r.GetProperty("state").GetString() != "active");

    [Fact]
    public async Task AOneShotJobThatFailsTwiceIsRetriedPerPolicyAndItsHistoryShowsTheAttempts()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 1);
        // Tasks may run as nobody: the counter lives in a world-writable file, not in a 0700 temp dir.
        var counter = Path.Combine(Path.GetTempPath(), $"minimesos-job-attempts-{Guid.NewGuid():N}");
        File.WriteAllText(counter, "0");
        File.SetUnixFileMode(counter, (UnixFileMode)0b110_110_110);
        try
        {
            var (status, created) = await lab.SendAsync(HttpMethod.Post, "/v1/jobs", $$"""
                {"id": "flaky", "cmd": "n=$(($(cat {{counter}}) + 1)); echo $n > {{counter}}; [ $n -ge 3 ]",
                 "cpus": 0.1, "mem": 16, "retry": {"maxRetries": 3, "backoffSeconds": 0.2, "backoffFactor": 1} }
                """);
            Assert.True(status == 201, created.ToString());
            Assert.Equal("flaky", created.GetProperty("id").GetString());

            var job = await WaitForJobAsync(lab, "flaky", j => Settled(j, 1), "the run ends");
            var run = Runs(job).Single();
            Assert.Equal("succeeded", run.GetProperty("state").GetString());
            var attempts = run.GetProperty("attempts").EnumerateArray().ToList();
            Assert.Equal([1, 2, 3], attempts.Select(a => a.GetProperty("attempt").GetInt32()));
            Assert.Equal(["failed", "failed", "succeeded"], attempts.Select(a => a.GetProperty("state").GetString()));
            Assert.Equal(["TASK_FAILED", "TASK_FAILED", "TASK_FINISHED"], attempts.Select(a => a.GetProperty("taskState").GetString()));
            Assert.Equal([1, 1, 0], attempts.Select(a => a.GetProperty("exitCode").GetInt32()));
            Assert.Equal(["flaky.1.1", "flaky.1.2", "flaky.1.3"], attempts.Select(a => a.GetProperty("taskId").GetString()));
            Assert.Equal("3", File.ReadAllText(counter).Trim());

            // A one-shot job runs once: it is not started again on its own (nothing marks "will not start", so it is watched).
            await Eventually.StaysTrueAsync(() => File.ReadAllText(counter).Trim() == "3", "the job ran three attempts and no more", TimeSpan.FromSeconds(2));
            Assert.Equal(3, lab.Cluster.Master.Service.Tasks().Count(t => t.Id.StartsWith("flaky.", StringComparison.Ordinal)));
        }
        finally
        {
            File.Delete(counter);
        }
    }

    [Fact]
    public async Task FollowingTheLogOfAnAttemptNotYetLaunchedWaitsForTheLaunchAndAPlainReadSaysWhy()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        var (status, created) = await lab.SendAsync(HttpMethod.Post, "/v1/jobs", """{"id": "later", "cmd": "echo launched", "mem": 16}""");
        Assert.True(status == 201, created.ToString());
        await WaitForJobAsync(lab, "later", j => Runs(j).Count == 1, "the attempt is named");

        // No agent: the attempt waits for an offer, its task does not exist yet.
        var (missing, error) = await lab.SendAsync(HttpMethod.Get, "/v1/tasks/later.1.1");
        Assert.Equal(404, missing);
        Assert.Contains("no task 'later.1.1' yet: job 'later'", error.GetProperty("error").GetString());
        var (noFollow, _) = await lab.SendAsync(HttpMethod.Get, "/v1/tasks/later.1.1/logs/stdout");
        Assert.Equal(404, noFollow);
        Assert.Equal(404, (await lab.SendAsync(HttpMethod.Get, "/v1/tasks/later.9.9/logs/stdout?follow=true")).Status);

        using var client = lab.Cluster.Client();
        var output = new MemoryStream();
        var follow = client.FollowLogAsync("later.1.1", "stdout", output, CancellationToken.None);
        await Eventually.StaysTrueAsync(() => !follow.IsCompleted, "following the log of an attempt waiting for an offer goes on until the launch",
            TimeSpan.FromMilliseconds(500));

        await lab.Cluster.StartAgentAsync("agent1", lab.Cluster.Secret, "test", hostname: "pi1");
        await follow.WaitAsync(MarathonApps.Patience);
        Assert.Equal("launched\n", System.Text.Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task AnIsoIntervalOfThreeRepetitionsRunsExactlyThreeTimes()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 1);
        var now = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddSeconds(4);
        // The lead outlasts creating the job on a loaded box: a first instant already past would be one catch-up run.
        var schedule = $"R3/{start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}/PT2S";
        var (status, created) = await lab.SendAsync(HttpMethod.Post, "/v1/jobs",
            $$"""{"id": "tick", "args": ["/bin/true"], "mem": 16, "schedule": "{{schedule}}"}""");
        Assert.True(status == 201, created.ToString());
        Assert.Equal(schedule, created.GetProperty("schedule").GetString());

        var job = await WaitForJobAsync(lab, "tick", j => Settled(j, 3), "three runs");
        // Well past the last instant (start + 4 s): no fourth run. The schedule runs on the wall clock, so this waits for it.
        var past = start.AddSeconds(8) - DateTimeOffset.UtcNow;
        if (past > TimeSpan.Zero)
            await Eventually.StaysTrueAsync(() => lab.Cluster.Master.Service.Job("tick")!.Value.State.Runs.Count <= 3, "the job has at most three runs", past);
        job = (await lab.SendAsync(HttpMethod.Get, "/v1/jobs/tick")).Body;
        var runs = Runs(job);
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal("succeeded", r.GetProperty("state").GetString()));
        Assert.Equal("the schedule has no more runs", job.GetProperty("reason").GetString());
        var scheduled = runs.Select(r => DateTimeOffset.Parse(r.GetProperty("scheduledFor").GetString()!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([start, start.AddSeconds(2), start.AddSeconds(4)], scheduled);
        Assert.Equal(3, lab.Cluster.Master.Service.Tasks().Count(t => t.Id.StartsWith("tick.", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RunNowReplaceAndDelete()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 1);
        Assert.Equal(201, (await lab.SendAsync(HttpMethod.Post, "/v1/jobs",
            """{"id": "yearly", "cmd": "sleep 1", "mem": 16, "schedule": "0 0 1 1 *", "env": {"GREETING": "hi"}}""")).Status);
        var list = (await lab.SendAsync(HttpMethod.Get, "/v1/jobs")).Body.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal("yearly", Assert.Single(list).GetProperty("id").GetString());
        Assert.False(list[0].TryGetProperty("runs", out _));

        var (accepted, started) = await lab.SendAsync(HttpMethod.Post, "/v1/jobs/yearly/run");
        Assert.Equal(202, accepted);
        Assert.Equal("active", started.GetProperty("status").GetString());
        var (busy, conflict) = await lab.SendAsync(HttpMethod.Post, "/v1/jobs/yearly/run");
        Assert.Equal(409, busy);
        Assert.Contains("yearly.1", conflict.GetProperty("error").GetString());
        // The reason is the leader's latest decision: it follows the committed run state within a pass.
        var job = await WaitForJobAsync(lab, "yearly", j => Settled(j, 1) && j.TryGetProperty("nextRunAt", out _), "the manual run ends");
        Assert.Equal("succeeded", Runs(job)[0].GetProperty("state").GetString());
        Assert.StartsWith("next run at ", job.GetProperty("reason").GetString());
        Assert.EndsWith("-01-01T00:00:00.000Z", job.GetProperty("nextRunAt").GetString());
        Assert.Equal("hi", lab.Cluster.Master.Service.Task("yearly.1.1")!.Spec.Env["GREETING"]);

        // PUT replaces the spec and keeps the history.
        var (replaced, after) = await lab.SendAsync(HttpMethod.Put, "/v1/jobs/yearly", """{"cmd": "true", "mem": 32, "schedule": "0 0 1 1 *"}""");
        Assert.Equal(200, replaced);
        Assert.Equal((32.0, 1), (after.GetProperty("mem").GetDouble(), Runs(after).Count));
        Assert.Equal(201, (await lab.SendAsync(HttpMethod.Put, "/v1/jobs/other", """{"cmd": "true", "schedule": "@yearly"}""")).Status);

        Assert.Equal(204, (await lab.SendAsync(HttpMethod.Delete, "/v1/jobs/yearly")).Status);
        Assert.Equal(404, (await lab.SendAsync(HttpMethod.Get, "/v1/jobs/yearly")).Status);
        Assert.Equal(404, (await lab.SendAsync(HttpMethod.Delete, "/v1/jobs/yearly")).Status);
        Assert.Equal(404, (await lab.SendAsync(HttpMethod.Post, "/v1/jobs/yearly/run")).Status);
    }

    [Theory]
    [InlineData("""{"id": "Bad Id", "cmd": "true"}""", "id", "not a valid job id")]
    [InlineData("""{"id": "a"}""", "cmd", "exactly one of cmd or args")]
    [InlineData("""{"id": "a", "cmd": "true", "schedule": "*/5 * *"}""", "schedule", "expected 5 fields")]
    [InlineData("""{"id": "a", "cmd": "true", "schedule": "R3/2026-01-01T00:00:00/PT2S"}""", "schedule", "no time zone")]
    [InlineData("""{"id": "a", "cmd": "true", "retry": {"maxRetries": -1}}""", "retry.maxRetries", "must be >= 0")]
    [InlineData("""{"id": "a", "cmd": "true", "retry": {"tries": 3}}""", "retry.tries", "unknown field")]
    [InlineData("""{"id": "a", "cmd": "true", "cpus": "lots"}""", "cpus", "must be a number")]
    [InlineData("""{"id": "a", "cmd": "true", "retry": {"maxRetries": "two"}}""", "retry.maxRetries", "must be a whole number")]
    [InlineData("""{"id": "a", "args": ["/bin/echo", 1]}""", "args[1]", "must be an array of strings")]
    [InlineData("""{"id": "a", "cmd": "true", "mem": 0}""", "mem", "must be > 0")]
    [InlineData("""{"id": "a", "cmd": "true", "env": {"1X": "y"}}""", "env.1X", "not a valid variable name")]
    [InlineData("""{"id": "a", "cmd": "true", "image": "nginx"}""", "image", "unknown field")]
    [InlineData("""{"id": "a", "cmd": "true", "user": "-x"}""", "user", "must be a user name")]
    [InlineData("""{"id": "a", "cmd": "true", "user": 7}""", "user", "must be a string (a user name)")]
    [InlineData("""{"id": "a", "cmd": "true", "network": "bridge"}""", "network", "must be \"host\"")]
    [InlineData("""{"id": "a", "cmd": "true", "binds": {"/d": "/d"}}""", "binds", "need a rootfs")]
    [InlineData("""{"id": "a", "cmd": "true", "rootfs": "rel/dir"}""", "rootfs", "absolute")]
    [InlineData("""[1]""", "", "not a valid JSON job object")]
    [InlineData("""{"id": "a", "cmd": "true",""", "", "not a valid JSON job object")]
    public async Task BadJobsAreRefusedNamingTheField(string body, string field, string reason)
    {
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        var (status, error) = await lab.SendAsync(HttpMethod.Post, "/v1/jobs", body);
        Assert.Equal(400, status);
        Assert.Equal(field, error.GetProperty("field").GetString());
        Assert.Contains(reason, error.GetProperty("reason").GetString());
        Assert.Empty((await lab.SendAsync(HttpMethod.Get, "/v1/jobs")).Body.GetProperty("jobs").EnumerateArray());
    }

    [Fact]
    public async Task ConflictsAndMismatchedIds()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        Assert.Equal(201, (await lab.SendAsync(HttpMethod.Post, "/v1/jobs", """{"id": "a", "cmd": "true", "schedule": "@daily"}""")).Status);
        var (dup, error) = await lab.SendAsync(HttpMethod.Post, "/v1/jobs", """{"id": "a", "cmd": "true"}""");
        Assert.Equal(409, dup);
        Assert.Contains("already exists", error.GetProperty("error").GetString());
        var (mismatch, why) = await lab.SendAsync(HttpMethod.Put, "/v1/jobs/a", """{"id": "b", "cmd": "true"}""");
        Assert.Equal(400, mismatch);
        Assert.Equal("id", why.GetProperty("field").GetString());
        Assert.Equal(404, (await lab.SendAsync(HttpMethod.Get, "/v1/jobs/zzz")).Status);
    }
}
