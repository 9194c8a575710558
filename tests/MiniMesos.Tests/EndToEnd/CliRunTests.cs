using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>The `minimesos run` CLI as a user runs it: a separate process against a running master.</summary>
[Trait("Category", "Slow")]
public sealed class CliRunTests
{
    [Fact]
    public async Task RunStreamsOutputAndExitsWithTheTaskExitCode()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var (code, stdout, stderr) = await CliProcess.RunAsync(
            ["run", "--master", $"127.0.0.1:{cluster.Api.Port}", "--", "sh", "-c", "echo hello; echo to-stderr >&2; exit 3"],
            new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = cluster.Secret.Token });
        Assert.Equal(3, code);
        Assert.Equal("hello\n", stdout);
        Assert.Contains("to-stderr", stderr);
    }

    [Fact]
    public async Task DetachPrintsTheTaskIdAndTokenFileWorks()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var tokenFile = Path.Combine(cluster.Dir, "token-copy");
        await File.WriteAllTextAsync(tokenFile, cluster.Secret.Token + "\n");
        var (code, stdout, _) = await CliProcess.RunAsync(
            ["run", "--detach", "--name", "bg", "--token-file", tokenFile, "--master", $"127.0.0.1:{cluster.Api.Port}", "--", "true"]);
        Assert.Equal(0, code);
        Assert.StartsWith("bg.", stdout.Trim());
        Assert.NotNull(cluster.Master.Service.Task(stdout.Trim()));
    }

    [Theory]
    [InlineData(new[] { "run" }, "command")]                                   // no command
    [InlineData(new[] { "run", "--cpus", "many", "--", "true" }, "--cpus")]      // not a number
    [InlineData(new[] { "frobnicate" }, "frobnicate")]                          // unknown command
    [InlineData(new[] { "run", "--token", "short", "--", "true" }, "--token")]  // bad token
    [InlineData(new[] { "run", "--", "true" }, "no cluster token")]             // no token at all
    [InlineData(new[] { "run", "--token", "0123456789abcdef", "--master", "h:99999", "--", "true" }, "--master")]
    [InlineData(new[] { "run", "--token", "0123456789abcdef", "--network", "bridge", "--", "true" }, "--network")]
    [InlineData(new[] { "run", "--token", "0123456789abcdef", "--ports", "5000", "--", "true" }, "--ports")]
    [InlineData(new[] { "run", "--token", "0123456789abcdef", "--rootfs", "srv/root", "--", "true" }, "--rootfs")]
    [InlineData(new[] { "run", "--token", "0123456789abcdef", "--rootfs", "/srv/root", "--bind", "/data", "--", "true" }, "--bind")]
    [InlineData(new[] { "run", "--token", "0123456789abcdef", "--constraint", "hostname:NEAR:pi1", "--", "true" }, "--constraint: 'hostname:NEAR:pi1': unknown operator")]
    [InlineData(new[] { "run", "--token", "0123456789abcdef", "--constraint", "hostname", "--", "true" }, "--constraint")]
    [InlineData(new[] { "run", "--token", "0123456789abcdef", "--constraint", "hostname:LIKE:pi[", "--", "true" }, "invalid regular expression")]
    [InlineData(new[] { "run", "--token", "0123456789abcdef", "--constraint", "hostname:UNIQUE", "--retries", "1", "--", "true" }, "--constraint: not supported with --retries")]
    [InlineData(new[] { "agent", "--token", "0123456789abcdef", "--allowed-users", "a:b" }, "--allowed-users")]
    [InlineData(new[] { "agent", "--token", "0123456789abcdef", "--warm-inits", "17" }, "--warm-inits: must be from 0 to 16")]
    [InlineData(new[] { "agent", "--token", "0123456789abcdef", "--warm-inits", "-1" }, "--warm-inits")]
    [InlineData(new[] { "master", "--token", "0123456789abcdef", "--raft-snapshot-every", "0" }, "--raft-snapshot-every: 0 is not between")]
    public async Task UsageErrorsExit2WithAClearMessage(string[] args, string mentions)
    {
        var (code, _, stderr) = await CliProcess.RunAsync(args);
        Assert.Equal(2, code);
        Assert.Contains(mentions, stderr);
        Assert.DoesNotContain("   at ", stderr); // never a stack trace
    }

    [Fact]
    public async Task ConstraintFlagsReachTheMasterAndAnUnsatisfiableTaskWaitsWithTheReason()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var (code, stdout, stderr) = await CliProcess.RunAsync(
            ["run", "--detach", "--name", "pinned", "--constraint", "hostname:LIKE:nowhere", "--constraint", "rack:UNLIKE:r:2",
             "--master", $"127.0.0.1:{cluster.Api.Port}", "--", "true"],
            new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = cluster.Secret.Token });
        Assert.True(code == 0, stderr);
        var task = cluster.Master.Service.Task(stdout.Trim())!;
        Assert.Equal([["hostname", "LIKE", "nowhere"], ["rack", "UNLIKE", "r:2"]], task.Spec.Constraints!);
        Assert.Equal("LIKE hostname:nowhere: no agent matches", cluster.Master.Service.WhyWaiting(task));
    }

    [Fact]
    public async Task UnreachableMasterExits1()
    {
        var port = InProcessCluster.FreePort();
        var (code, _, stderr) = await CliProcess.RunAsync(["run", "--token", "0123456789abcdef", "--master", $"127.0.0.1:{port}", "--", "true"]);
        Assert.Equal(1, code);
        Assert.Contains("cannot reach the master", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task StatusJsonParsesBackAndTableNamesTheLeader()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var env = new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = cluster.Secret.Token, ["MINIMESOS_MASTER"] = $"127.0.0.1:{cluster.Api.Port}" };
        var (code, stdout, stderr) = await CliProcess.RunAsync(["status", "--json"], env);
        Assert.True(code == 0, stderr);
        using var json = System.Text.Json.JsonDocument.Parse(stdout);
        Assert.Equal("leader", json.RootElement.GetProperty("role").GetString());
        Assert.Equal(json.RootElement.GetProperty("id").GetUInt64(), json.RootElement.GetProperty("leader").GetUInt64());
        Assert.Equal(1, json.RootElement.GetProperty("agents").GetInt32());
        var (tableCode, table, _) = await CliProcess.RunAsync(["status"], env);
        Assert.Equal(0, tableCode);
        Assert.Contains("leader", table);
        Assert.Contains("agents: 1", table);
    }

    [Fact]
    public async Task TaskLogsFollowsATaskThatPrintsOverTimeAndListsParseBack()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var env = new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = cluster.Secret.Token, ["MINIMESOS_MASTER"] = $"127.0.0.1:{cluster.Api.Port}" };
        var (code, id, _) = await CliProcess.RunAsync(["run", "-d", "--name", "ticker", "--", "sh", "-c", "for i in 1 2 3; do echo tick $i; sleep 0.3; done"], env);
        Assert.Equal(0, code);
        var started = DateTime.UtcNow;
        var (logsCode, logs, logsErr) = await CliProcess.RunAsync(["task", "logs", "-f", id.Trim()], env);
        Assert.True(logsCode == 0, logsErr);
        Assert.Equal("tick 1\ntick 2\ntick 3\n", logs);
        Assert.True(DateTime.UtcNow - started > TimeSpan.FromSeconds(0.5), "logs -f returned before the task ended");

        var (listCode, list, _) = await CliProcess.RunAsync(["task", "list", "--json"], env);
        Assert.Equal(0, listCode);
        using var json = System.Text.Json.JsonDocument.Parse(list);
        var task = json.RootElement.GetProperty("tasks").EnumerateArray().Single();
        Assert.Equal(id.Trim(), task.GetProperty("id").GetString());
        Assert.Equal("TASK_FINISHED", task.GetProperty("state").GetString());
        var (agentsCode, agents, _) = await CliProcess.RunAsync(["agent", "list", "--json"], env);
        Assert.Equal(0, agentsCode);
        Assert.Single(System.Text.Json.JsonDocument.Parse(agents).RootElement.GetProperty("agents").EnumerateArray());
        var (missingCode, _, missingErr) = await CliProcess.RunAsync(["task", "show", "nope"], env);
        Assert.Equal(1, missingCode);
        Assert.Contains("no task 'nope'", missingErr);
    }

    [Fact]
    public async Task EventsFollowsStateChangesAsJsonLines()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var client = cluster.Client();
        var task = await client.SubmitAsync(new MiniMesos.Net.Http.TaskSubmitRequest(["true"], null, "ev", 0.1, 16, null), CancellationToken.None);
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { TestInit.Dll, "events", "--since", "0", "--master", $"127.0.0.1:{cluster.Api.Port}" })
            info.ArgumentList.Add(arg);
        info.Environment["MINIMESOS_TOKEN"] = cluster.Secret.Token;
        using var events = System.Diagnostics.Process.Start(info)!;
        try
        {
            var states = new List<string>();
            while (!states.Contains("TASK_FINISHED"))
            {
                var line = await events.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
                if (line is null) Assert.Fail($"events ended early: {await events.StandardError.ReadToEndAsync()}");
                using var json = System.Text.Json.JsonDocument.Parse(line!);
                if (json.RootElement.GetProperty("id").GetString() == task.Id) states.Add(json.RootElement.GetProperty("state").GetString()!);
            }
            Assert.Equal("TASK_STAGING", states[0]);
        }
        finally
        {
            events.Kill();
        }
    }

    [Fact]
    public async Task HelpAndVersionWork()
    {
        var (code, stdout, _) = await CliProcess.RunAsync(["--help"]);
        Assert.Equal(0, code);
        foreach (var command in new[] { "master", "agent", "dev", "run", "version", "Exit codes" }) Assert.Contains(command, stdout);
        var (versionCode, version, _) = await CliProcess.RunAsync(["version"]);
        Assert.Equal(0, versionCode);
        Assert.Matches(@"^minimesos \d+\.\d+\.\d+", version);
    }
}
