using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MiniMesos.Net.Http;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>Ports, user and network through POST /v1/tasks on an in-process cluster.</summary>
[Trait("Category", "Slow")]
public sealed class TaskPortsApiTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ATaskAskingForPortsGetsThemFromItsAgentsRangeAsEnv()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var client = cluster.Client();
        var agents = await client.AgentsAsync(CancellationToken.None);
        Assert.Equal("[31000-32000]", Assert.Single(agents.Agents).Ports);

        var first = await client.SubmitAsync(new TaskSubmitRequest(["/bin/sh", "-c", "echo $PORT $PORT0 $PORT1 $PORTS; exec sleep 30"], null, "ports", 0.1, 32, null, Ports: 2),
            CancellationToken.None);
        var firstOut = new SignallingStream("31000 31000 31001 31000,31001\n", () => { });
        var follow = client.FollowLogAsync(first.Id, "stdout", firstOut, CancellationToken.None);
        await firstOut.Seen.WaitAsync(Patience);
        Assert.Equal("31000 31000 31001 31000,31001\n", firstOut.Text);
        Assert.Equal(2, (await client.GetTaskAsync(first.Id, CancellationToken.None)).Ports);

        // While the first holds 31000-31001, the next gets the following port; HOST is the agent's hostname.
        var second = await client.SubmitAsync(new TaskSubmitRequest(["/bin/sh", "-c", "echo $PORTS $HOST"], null, "ports", 0.1, 32, null, Ports: 1),
            CancellationToken.None);
        var secondOut = new MemoryStream();
        await client.FollowLogAsync(second.Id, "stdout", secondOut, CancellationToken.None).WaitAsync(Patience);
        var hostname = Assert.Single((await client.AgentsAsync(CancellationToken.None)).Agents).Hostname;
        Assert.Equal($"31002 {hostname}\n", Encoding.UTF8.GetString(secondOut.ToArray()));

        await client.KillAsync(first.Id, CancellationToken.None);
        await follow.WaitAsync(Patience);
    }

    [Theory]
    [InlineData("""{"args":["true"],"ports":-1}""", "ports")]
    [InlineData("""{"args":["true"],"ports":1.5}""", "ports")]
    [InlineData("""{"args":["true"],"ports":5000}""", "ports")]
    [InlineData("""{"args":["true"],"network":"bridge"}""", "network")]
    [InlineData("""{"args":["true"],"user":"-rf"}""", "user")]
    [InlineData("""{"args":["true"],"rootfs":"srv/root"}""", "rootfs")]
    [InlineData("""{"args":["true"],"rootfs":"/srv/root","binds":{"/data":"/proc/x"}}""", "binds./data")]
    [InlineData("""{"args":["true"],"binds":{"/data":"/data"}}""", "binds")]
    public async Task BadIsolationFieldsAreRefusedByName(string body, string field)
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        using var http = new HttpClient(TestTls.Handler()) { BaseAddress = new Uri($"https://{cluster.Api}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Secret.Token);
        var bad = await http.PostAsync("/v1/tasks", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains($"\"field\":\"{field}\"", await bad.Content.ReadAsStringAsync());
        Assert.Empty(cluster.Master.Service.Tasks());
    }
}
