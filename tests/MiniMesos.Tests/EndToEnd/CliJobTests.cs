using System.Text.Json;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>`minimesos job ...` as a user runs it: the real CLI process against a real master and agent.</summary>
[Trait("Category", "Slow")]
public sealed class CliJobTests
{
    [Fact]
    public async Task AddListRunShowRemoveAndRefuseBadInput()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 1);
        var env = new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = lab.Cluster.Secret.Token, ["MINIMESOS_MASTER"] = $"127.0.0.1:{lab.Cluster.Api.Port}" };
        // A daily time twelve hours away: the schedule must not fire by itself while the test runs "run now".
        var hour = (DateTime.UtcNow.Hour + 12) % 24;
        var schedule = $"0 {hour} * * *";
        var (code, stdout, stderr) = await CliProcess.RunAsync(["job", "add", "-"], env,
            stdin: $$"""{"id": "nightly", "cmd": "echo hi; exit 3", "mem": 16, "schedule": "{{schedule}}"}""");
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.StartsWith($"job nightly: created, {schedule}, idle", stdout);

        // The same id again replaces the job.
        var file = Path.Combine(lab.Cluster.Dir, "nightly.json");
        await File.WriteAllTextAsync(file, $$"""{"id": "nightly", "cmd": "echo hi; exit 3", "mem": 32, "schedule": "{{schedule}}"}""");
        (code, stdout, _) = await CliProcess.RunAsync(["job", "add", file], env);
        Assert.Equal(0, code);
        Assert.StartsWith("job nightly: replaced", stdout);

        // The next run and the reason come from the leader's jobs loop, a moment after the job is committed.
        await Eventually.TrueAsync(async () => (await lab.SendAsync(HttpMethod.Get, "/v1/jobs/nightly")).Body.TryGetProperty("nextRunAt", out _),
            "the job has its next run time", MarathonApps.Patience);
        (code, stdout, _) = await CliProcess.RunAsync(["job", "list"], env);
        Assert.Equal(0, code);
        Assert.Matches($@"nightly\s+idle\s+0 {hour} \* \* \*\s+\d{{4}}-\d\d-\d\dT{hour:00}:00:00.000Z\s+next run at", stdout);

        (code, stdout, _) = await CliProcess.RunAsync(["job", "run", "nightly"], env);
        Assert.Equal(0, code);
        Assert.Equal("job nightly: run nightly.1 started\n", stdout);
        var job = await Eventually.MatchAsync(async () =>
        {
            var (shown, json, _) = await CliProcess.RunAsync(["job", "show", "nightly", "--json"], env);
            Assert.Equal(0, shown);
            return JsonDocument.Parse(json).RootElement;
        }, j => j.GetProperty("status").GetString() == "idle" && j.GetProperty("runs").GetArrayLength() > 0, "the run has ended", MarathonApps.Patience,
            poll: TimeSpan.FromMilliseconds(200));
        var attempt = job.GetProperty("runs")[0].GetProperty("attempts")[0];
        Assert.Equal(("failed", 3), (attempt.GetProperty("state").GetString(), attempt.GetProperty("exitCode").GetInt32()));

        (code, stdout, _) = await CliProcess.RunAsync(["job", "show", "nightly"], env);
        Assert.Equal(0, code);
        Assert.Contains("command: echo hi; exit 3", stdout);
        Assert.Matches(@"nightly\.1\s+1\s+nightly\.1\.1\s+failed\s+TASK_FAILED\s+3", stdout);

        (code, _, stderr) = await CliProcess.RunAsync(["job", "add", "-"], env, stdin: """{"id": "bad", "cmd": "true", "retry": {"maxRetries": -2}}""");
        Assert.Equal(2, code);
        Assert.Contains("retry.maxRetries: must be >= 0", stderr);
        (code, _, stderr) = await CliProcess.RunAsync(["job", "add", "-"], env, stdin: "not json");
        Assert.Equal(2, code);
        Assert.Contains("not valid JSON", stderr);

        (code, stdout, _) = await CliProcess.RunAsync(["job", "rm", "nightly"], env);
        Assert.Equal(0, code);
        Assert.Equal("job nightly: removed\n", stdout);
        (code, _, stderr) = await CliProcess.RunAsync(["job", "show", "nightly"], env);
        Assert.Equal(1, code);
        Assert.Contains("no job 'nightly'", stderr);
        (code, stdout, _) = await CliProcess.RunAsync(["job", "list", "--json"], env);
        Assert.Equal(0, code);
        Assert.Empty(JsonDocument.Parse(stdout).RootElement.GetProperty("jobs").EnumerateArray());
    }

    [Fact]
    public async Task RunWithRetriesStreamsEveryAttemptAndExitsWithTheLastCode()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 1);
        var env = new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = lab.Cluster.Secret.Token, ["MINIMESOS_MASTER"] = $"127.0.0.1:{lab.Cluster.Api.Port}" };
        var (code, stdout, stderr) = await CliProcess.RunAsync(["run", "--retries", "1", "--name", "Twice", "--", "sh", "-c", "echo try $MINIMESOS_JOB_ATTEMPT; exit 4"], env);
        Assert.True(code == 4, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Equal("try 1\ntry 2\n", stdout);
        Assert.Contains("attempt 1 ended TASK_FAILED (exit code 4)", stderr);
        Assert.Contains("; retrying", stderr);
        Assert.Single(lab.Cluster.Master.Service.Jobs(), j => j.Spec.Id.StartsWith("twice-", StringComparison.Ordinal) && j.State.Runs.Count == 2);

        (code, stdout, stderr) = await CliProcess.RunAsync(["run", "--retries", "3", "--", "sh", "-c", "[ $MINIMESOS_JOB_ATTEMPT -ge 2 ] && echo ok"], env);
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Equal("ok\n", stdout);

        (code, _, stderr) = await CliProcess.RunAsync(["run", "--retries", "-1", "--", "true"], env);
        Assert.Equal(2, code);
        Assert.Contains("--retries: -1 is negative", stderr);
    }
}
