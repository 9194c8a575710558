using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>The config file as the real CLI reads it: precedence flag > environment > config file, and bad lines exit 2.</summary>
[Trait("Category", "Slow")]
public sealed class CliConfigFileTests
{
    private const string Unreachable = "127.0.0.1:1";

    [Fact]
    public async Task TheConfigFileFillsWhatFlagsAndEnvironmentLeaveOpen()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        var master = $"127.0.0.1:{cluster.Api.Port}";
        var tokenFile = Path.Combine(cluster.Dir, "token-copy");
        await File.WriteAllTextAsync(tokenFile, cluster.Secret.Token + "\n");
        var config = Path.Combine(cluster.Dir, "config");
        var env = new Dictionary<string, string> { ["MINIMESOS_CONFIG"] = config };

        // The file alone: master and token_file from it.
        await File.WriteAllTextAsync(config, $"# test\nmaster = {master}\ntoken_file = {tokenFile}\n");
        var (code, stdout, stderr) = await CliProcess.RunAsync(["status", "--json"], env);
        Assert.True(code == 0, stderr);
        Assert.Contains("\"leader\"", stdout);

        // A wrong master and token in the file: the environment and then the flag win over it.
        await File.WriteAllTextAsync(config, $"master = {Unreachable}\ntoken = {ClusterSecret.Generate()}\n");
        (code, _, stderr) = await CliProcess.RunAsync(["status"], new Dictionary<string, string>(env)
        {
            ["MINIMESOS_MASTER"] = master, ["MINIMESOS_TOKEN"] = cluster.Secret.Token,
        });
        Assert.True(code == 0, stderr);
        (code, _, stderr) = await CliProcess.RunAsync(["status", "--master", master, "--token-file", tokenFile],
            new Dictionary<string, string>(env) { ["MINIMESOS_MASTER"] = Unreachable });
        Assert.True(code == 0, stderr);
        // ... and without them the file's wrong values are used: the master is unreachable (exit 1).
        (code, _, _) = await CliProcess.RunAsync(["status"], env);
        Assert.Equal(1, code);
    }

    [Fact]
    public async Task ABadLineExits2NamingTheFileLineAndKey()
    {
        var dir = Directory.CreateTempSubdirectory("minimesos-config-").FullName;
        try
        {
            var config = Path.Combine(dir, "config");
            await File.WriteAllTextAsync(config, "master = 127.0.0.1:5050\nmastr = pi1\n");
            var (code, _, stderr) = await CliProcess.RunAsync(["task", "list", "--token", ClusterSecret.Generate()],
                new Dictionary<string, string> { ["MINIMESOS_CONFIG"] = config });
            Assert.Equal(2, code);
            Assert.Contains($"config file '{config}' line 2: unknown key 'mastr'", stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
