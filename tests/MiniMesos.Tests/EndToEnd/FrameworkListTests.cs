using System.Text.Json;
using MiniMesos.Net.Http;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>GET /v1/frameworks and `minimesos framework list`: external frameworks next to the built-in ones.</summary>
[Trait("Category", "Slow")]
public sealed class FrameworkListTests
{
    [Fact]
    public async Task ListsExternalAndBuiltInFrameworksWithTheirTasksAndResources()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var client = cluster.Client();
        var oneShot = await client.SubmitAsync(new TaskSubmitRequest(["/bin/sleep", "30"], null, "bg", 0.5, 64, null), CancellationToken.None);
        await using var framework = await FrameworkClient.SubscribeAsync(cluster, "lister", 30, role: "analytics");
        var offer = (await framework.NextAsync<FwOffers>()).Offers[0];
        await framework.SendAsync(new FwAccept([offer.OfferId],
            [new FwTaskInfo("listed", "listed", ["/bin/sleep", "30"], new Dictionary<string, string>(), 0.25, 48, 0, [])], null));
        await framework.NextAsync<FwUpdate>(u => u.TaskId == "listed" && u.State == "TASK_RUNNING");

        var list = await client.FrameworksAsync(CancellationToken.None);
        var external = Assert.Single(list.Frameworks, f => f.Kind == "external");
        Assert.Equal((framework.FrameworkId, "lister", "analytics", true), (external.Id, external.Name, external.Role, external.Connected));
        Assert.Equal(["listed"], external.Tasks);
        Assert.Equal((0.25, 48L), (external.Cpus, external.Mem));
        var tasks = Assert.Single(list.Frameworks, f => f.Id == "minimesos-tasks");
        Assert.Equal([oneShot.Id], tasks.Tasks);
        Assert.Equal(0.5, tasks.Cpus);
        Assert.Empty(Assert.Single(list.Frameworks, f => f.Id == "minimesos-apps").Tasks);

        var env = new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = cluster.Secret.Token };
        var (code, stdout, stderr) = await CliProcess.RunAsync(["framework", "list", "--master", $"127.0.0.1:{cluster.Api.Port}"], env);
        Assert.True(code == 0, stderr);
        Assert.Contains(framework.FrameworkId, stdout);
        Assert.Contains("analytics", stdout);
        (code, stdout, stderr) = await CliProcess.RunAsync(["framework", "list", "--json", "--master", $"127.0.0.1:{cluster.Api.Port}"], env);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(3, json.RootElement.GetProperty("frameworks").GetArrayLength());
        Assert.Equal("listed", json.RootElement.GetProperty("frameworks")[0].GetProperty("tasks")[0].GetString());
    }
}
