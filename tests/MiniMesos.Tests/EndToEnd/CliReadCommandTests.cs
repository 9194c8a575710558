using System.Text.Json;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>`run` options and signal exit codes, and the --json of the read commands parsed back, through the real CLI.</summary>
[Trait("Category", "Slow")]
public sealed class CliReadCommandTests
{
    [Fact]
    public async Task RunPassesNameCpusMemAndEnvAndTaskShowJsonParsesBack()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var env = new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = cluster.Secret.Token, ["MINIMESOS_MASTER"] = $"127.0.0.1:{cluster.Api.Port}" };
        var (code, stdout, stderr) = await CliProcess.RunAsync(
            ["run", "--name", "sized", "--cpus", "0.2", "--mem", "48", "--env", "GREETING=hi there", "-e", "N=2", "--", "sh", "-c", "echo \"$GREETING $N\""], env);
        Assert.True(code == 0, stderr);
        Assert.Equal("hi there 2\n", stdout);

        var id = cluster.Master.Service.Tasks().Single().Id;
        Assert.StartsWith("sized.", id);
        (code, stdout, stderr) = await CliProcess.RunAsync(["task", "show", id, "--json"], env);
        Assert.True(code == 0, stderr);
        var task = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(id, task.GetProperty("id").GetString());
        Assert.Equal(0.2, task.GetProperty("cpus").GetDouble());
        Assert.Equal(48, task.GetProperty("mem").GetInt64());
        Assert.Equal("hi there", task.GetProperty("env").GetProperty("GREETING").GetString());
        Assert.Equal(0, task.GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public async Task RunExitsWith128PlusTheSignalThatEndedTheTask()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        var env = new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = cluster.Secret.Token, ["MINIMESOS_MASTER"] = $"127.0.0.1:{cluster.Api.Port}" };
        var (code, stdout, stderr) = await CliProcess.RunAsync(["run", "--", "sh", "-c", "echo before; kill -TERM $$"], env);
        Assert.True(code == 128 + 15, $"exit {code}: {stderr}");
        Assert.Equal("before\n", stdout);
    }
}
