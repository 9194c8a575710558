using System.Text.Json;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// Each agent's pings carry the free and total space of its work dir's filesystem (statvfs), and /v1/agents shows them
/// while the agent is connected: real agents, real filesystem.
/// </summary>
public sealed class AgentDiskSpaceTests
{
    [Fact]
    public async Task AgentsShowTheirWorkDirFilesystemWhileConnected()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        using var stop = new CancellationTokenSource();
        await cluster.StartAgentAsync("pi1", cluster.Secret, "test", stop: stop.Token, hostname: "pi1");
        var drive = new DriveInfo(Path.Combine(cluster.Dir, "pi1"));

        var agent = await WaitForAgentAsync(cluster, a => a.TryGetProperty("disk_total_mb", out _), "the disk space of pi1's work dir");
        Assert.Equal(drive.TotalSize / (1024 * 1024), agent.GetProperty("disk_total_mb").GetInt64());
        var free = agent.GetProperty("disk_free_mb").GetInt64();
        Assert.InRange(free, 0, agent.GetProperty("disk_total_mb").GetInt64());
        // Free space moves as other processes write; it is the same filesystem's figure within 1 GiB.
        Assert.InRange(free, drive.AvailableFreeSpace / (1024 * 1024) - 1024, drive.AvailableFreeSpace / (1024 * 1024) + 1024);
        Assert.Equal(1024, agent.GetProperty("disk").GetInt64()); // what it offers stays its own figure

        await stop.CancelAsync();
        agent = await WaitForAgentAsync(cluster, a => !a.GetProperty("connected").GetBoolean(), "pi1 disconnected");
        Assert.False(agent.TryGetProperty("disk_free_mb", out _), "a disconnected agent's disk space is not known any more");
        Assert.False(agent.TryGetProperty("disk_total_mb", out _));
    }

    private static async Task<JsonElement> WaitForAgentAsync(InProcessCluster cluster, Func<JsonElement, bool> done, string what)
    {
        using var client = cluster.Client();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var agents = JsonDocument.Parse(await client.GetJsonAsync("/v1/agents", CancellationToken.None)).RootElement.GetProperty("agents");
            var agent = agents.EnumerateArray().Single(a => a.GetProperty("hostname").GetString() == "pi1").Clone();
            if (done(agent)) return agent;
            Assert.True(DateTime.UtcNow < deadline, $"never saw {what}: {agent}");
            await Task.Delay(100);
        }
    }
}
