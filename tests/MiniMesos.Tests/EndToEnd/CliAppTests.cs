using System.Text.Json;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>`minimesos app ...` as a user runs it: the real CLI process against a real master and agents.</summary>
[Trait("Category", "Slow")]
public sealed class CliAppTests
{
    [Fact]
    public async Task DeployFromStdinWaitsUntilRunningThenListShowScaleRemove()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 2);
        var env = new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = lab.Cluster.Secret.Token, ["MINIMESOS_MASTER"] = $"127.0.0.1:{lab.Cluster.Api.Port}" };
        try
        {
            var json = $$"""
                {"id": "/cli/web", "cmd": "{{lab.SleeperCmd}}", "cpus": 0.1, "mem": 16, "instances": 2,
                 "constraints": [["hostname", "UNIQUE"]], "dependencies": ["/cli/db"]}
                """;
            var (code, stdout, stderr) = await CliProcess.RunAsync(["app", "deploy", "-", "--timeout", "30"], env, stdin: json);
            Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
            Assert.Contains("/cli/web: created", stdout);
            Assert.Contains("/cli/web: 2/2 running", stdout);
            Assert.EndsWith("/cli/web: deployed\n", stdout);
            Assert.Contains("warning: dependencies: not supported", stderr);

            (code, stdout, _) = await CliProcess.RunAsync(["app", "list"], env);
            Assert.Equal(0, code);
            Assert.Matches(@"/cli/web\s+2\s+2\s+0", stdout);

            (code, stdout, _) = await CliProcess.RunAsync(["app", "show", "cli/web", "--json"], env);
            Assert.Equal(0, code);
            var app = JsonDocument.Parse(stdout).RootElement.GetProperty("app");
            Assert.Equal(2, app.GetProperty("tasks").GetArrayLength());

            (code, stdout, _) = await CliProcess.RunAsync(["app", "scale", "/cli/web", "1"], env);
            Assert.Equal(0, code);
            Assert.Contains("scaling to 1", stdout);
            await lab.WaitForAppAsync("/cli/web", a => MarathonApps.Tasks(a).Count == 1, "scaled to 1 by the CLI");

            (code, stdout, _) = await CliProcess.RunAsync(["app", "rm", "/cli/web"], env);
            Assert.Equal(0, code);
            (code, _, var missing) = await CliProcess.RunAsync(["app", "show", "/cli/web"], env);
            Assert.Equal(1, code);
            Assert.Contains("does not exist", missing);
        }
        finally
        {
            lab.KillLeftovers();
        }
    }

    [Fact]
    public async Task DeployFromAFileThatCannotFullyRunTimesOutWithExit1AndTheReason()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 1);
        var env = new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = lab.Cluster.Secret.Token, ["MINIMESOS_MASTER"] = $"127.0.0.1:{lab.Cluster.Api.Port}" };
        try
        {
            var file = Path.Combine(lab.Cluster.Dir, "pair.json");
            await File.WriteAllTextAsync(file, $$"""
                {"id": "pair", "cmd": "{{lab.SleeperCmd}}", "cpus": 0.1, "mem": 16, "instances": 2, "constraints": [["hostname", "UNIQUE"]]}
                """);
            var (code, stdout, stderr) = await CliProcess.RunAsync(["app", "deploy", file, "--timeout", "3"], env);
            Assert.Equal(1, code);
            Assert.Contains("/pair: 1/2 running", stdout);
            Assert.Contains("UNIQUE hostname", stdout);
            Assert.Contains("not fully deployed after 3 s", stderr);
        }
        finally
        {
            lab.KillLeftovers();
        }
    }

    [Fact]
    public async Task AnInvalidDefinitionExits2NamingTheField()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        var env = new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = lab.Cluster.Secret.Token, ["MINIMESOS_MASTER"] = $"127.0.0.1:{lab.Cluster.Api.Port}" };
        var (code, _, stderr) = await CliProcess.RunAsync(["app", "deploy", "-"], env, stdin: """{"id": "/x", "cmd": "true", "mem": -1}""");
        Assert.Equal(2, code);
        Assert.Contains("mem", stderr);
        Assert.DoesNotContain("   at ", stderr);
        (code, _, stderr) = await CliProcess.RunAsync(["app", "deploy", "-"], env, stdin: "not json");
        Assert.Equal(2, code);
        Assert.Contains("not valid JSON", stderr);
    }
}
