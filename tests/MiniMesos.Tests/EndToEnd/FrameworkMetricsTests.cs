using System.Text.RegularExpressions;
using MiniMesos.Net.Http;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>/metrics: frameworks subscribed and connected, outstanding offers and what each framework's tasks hold.</summary>
[Trait("Category", "Slow")]
public sealed class FrameworkMetricsTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task OffersAndAllocationAreReportedPerFramework()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var client = cluster.Client();
        Assert.Contains("minimesos_frameworks_subscribed 0\n", await MetricsAsync(client));

        await client.SubmitAsync(new TaskSubmitRequest(["/bin/sleep", "30"], null, "bg", 0.5, 64, null), CancellationToken.None);
        // A waiting task holds nothing on any agent.
        await client.SubmitAsync(new TaskSubmitRequest(["true"], null, "parked", 0.3, 32, null, Constraints: [["hostname", "LIKE", "nowhere"]]),
            CancellationToken.None);
        var framework = await FrameworkClient.SubscribeAsync(cluster, "metered", 30);
        var id = framework.FrameworkId;
        var offer = (await framework.NextAsync<FwOffers>()).Offers[0];
        var metrics = await MetricsAsync(client);
        Assert.Contains("minimesos_frameworks_subscribed 1\n", metrics);
        Assert.Contains("minimesos_frameworks_connected 1\n", metrics);
        Assert.Contains($"minimesos_offers_outstanding{{framework=\"{id}\"}} 1\n", metrics);

        await framework.SendAsync(new FwAccept([offer.OfferId],
            [new FwTaskInfo("metered-1", "metered-1", ["/bin/sleep", "30"], new Dictionary<string, string>(), 0.25, 48, 0, [])], null));
        await framework.NextAsync<FwUpdate>(u => u.TaskId == "metered-1" && u.State == "TASK_RUNNING");
        metrics = await MetricsAsync(client);
        Assert.Contains($"minimesos_allocated_cpus{{framework=\"{id}\"}} 0.25\n", metrics);
        Assert.Contains($"minimesos_allocated_mem_bytes{{framework=\"{id}\"}} {48 * MiB}\n", metrics);
        Assert.Contains("minimesos_allocated_cpus{framework=\"minimesos-tasks\"} 0.5\n", metrics);
        Assert.Contains($"minimesos_allocated_mem_bytes{{framework=\"minimesos-tasks\"}} {64 * MiB}\n", metrics);
        Assert.Contains("minimesos_allocated_cpus{framework=\"minimesos-apps\"} 0\n", metrics);

        // Disconnected but within its failover timeout: still subscribed, not connected, its offers taken back.
        await framework.DisposeAsync();
        metrics = await Eventually.MatchAsync(() => MetricsAsync(client), m => m.Contains("minimesos_frameworks_connected 0\n"),
            "the metrics count no connected framework", TimeSpan.FromSeconds(20));
        Assert.Contains("minimesos_frameworks_subscribed 1\n", metrics);
        Assert.Contains($"minimesos_offers_outstanding{{framework=\"{id}\"}} 0\n", metrics);
        Assert.Matches(new Regex("# TYPE minimesos_offers_outstanding gauge\n"), metrics);
    }

    private static async Task<string> MetricsAsync(MiniMesos.Net.Cli.ApiClient client)
    {
        var (status, body) = await client.SendAsync(HttpMethod.Get, "/metrics", null, CancellationToken.None);
        Assert.Equal(200, status);
        return body;
    }
}
