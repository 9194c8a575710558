using System.Net;
using System.Text;
using System.Text.Json;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>
/// The built-in frameworks take DRF offers like an external framework, through a real master: an app that wants
/// more than the cluster has and an external framework that takes every offer it gets split four agents by their
/// (role) weights, and the split holds while both still want more; a job's attempt waits while an external
/// framework holds the only offer (it is not placed over it) and runs once the offer is declined; so does a one-shot task.
/// </summary>
[Trait("Category", "Slow")]
public sealed class BuiltInFrameworkOfferTests
{
    [Fact]
    public async Task WithEqualWeightsTheAppAndAnExternalFrameworkGetHalfTheClusterEach()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        await using var external = await FrameworkClient.SubscribeAsync(lab.Cluster, "greedy", 60);
        var (apps, offered) = await CompeteAsync(lab, external);
        Assert.Equal((2, 2), (apps, offered));
        var roles = await RolesAsync(lab);
        Assert.Equal(1.0, roles["*"], 3);
    }

    [Fact]
    public async Task WithRoleWeightThreeAgainstOneTheAppsRoleGetsThreeAgents()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        Assert.Equal(HttpStatusCode.OK, (HttpStatusCode)(await lab.SendAsync(HttpMethod.Put, "/v1/roles/%2A", """{"weight":3}""")).Status);
        await using var external = await FrameworkClient.SubscribeAsync(lab.Cluster, "batch-fw", 60, role: "batch");
        var (apps, offered) = await CompeteAsync(lab, external);
        Assert.Equal((3, 1), (apps, offered));
        var roles = await RolesAsync(lab);
        Assert.Equal((0.75, 0.25), (Math.Round(roles["*"], 3), Math.Round(roles["batch"], 3)));
    }

    [Fact]
    public async Task AnAttemptWaitsWhileAnExternalFrameworkHoldsTheOfferAndRunsOnceItIsDeclined()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        var (external, held) = await HoldTheOnlyOfferAsync(lab);
        await using var holder = external;

        var (status, created) = await lab.SendAsync(HttpMethod.Post, "/v1/jobs", """{"id": "nightly", "cmd": "true", "cpus": 0.1, "mem": 16}""");
        Assert.True(status == 201, created.ToString());
        await JobApiTests.WaitForJobAsync(lab, "nightly", j => j.TryGetProperty("reason", out var reason) && reason.GetString()?.Contains("waiting for resource offers") == true,
            "the attempt waits");
        // No event marks "the jobs framework decided to wait": it must go on launching nothing while the offer is held.
        await Eventually.StaysTrueAsync(() => !lab.Cluster.Master.Service.Tasks().Any(t => t.Id.StartsWith("nightly.", StringComparison.Ordinal)),
            "no attempt is launched while the only offer is held", TimeSpan.FromSeconds(2));

        await external.SendAsync(new FwDecline([held.OfferId], 60));
        await JobApiTests.WaitForJobAsync(lab, "nightly",
            j => j.GetProperty("runs").EnumerateArray().Any(r => r.GetProperty("state").GetString() == "succeeded"),
            "the attempt runs once the offer is declined");
    }

    [Fact]
    public async Task AOneShotTaskWaitsWhileAnExternalFrameworkHoldsTheOfferAndRunsOnceItIsDeclined()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 0);
        var (external, held) = await HoldTheOnlyOfferAsync(lab);
        await using var holder = external;

        var (status, created) = await lab.SendAsync(HttpMethod.Post, "/v1/tasks", """{"cmd": "true", "name": "adhoc", "cpus": 0.1, "mem": 16}""");
        Assert.True(status == 201, created.ToString());
        var id = created.GetProperty("id").GetString()!;
        var waiting = await Eventually.MatchAsync(async () => (await lab.SendAsync(HttpMethod.Get, $"/v1/tasks/{id}")).Body,
            t => t.TryGetProperty("waiting_reason", out _), "the task says why it waits", MarathonApps.Patience);
        Assert.Equal("TASK_STAGING", waiting.GetProperty("state").GetString());
        Assert.False(waiting.TryGetProperty("agent_id", out _), waiting.ToString());
        Assert.Equal("waiting for a resource offer", waiting.GetProperty("waiting_reason").GetString());

        await external.SendAsync(new FwDecline([held.OfferId], 60));
        await Eventually.TrueAsync(() => lab.Cluster.Master.Service.Task(id)?.State == Core.Model.TaskState.Finished, "the task runs once the offer is declined", MarathonApps.Patience);
    }

    /// <summary>An external framework holding the offer of the cluster's only agent (started here).</summary>
    private static async Task<(FrameworkClient External, FwOffer Held)> HoldTheOnlyOfferAsync(MarathonApps lab)
    {
        var external = await FrameworkClient.SubscribeAsync(lab.Cluster, "holder", 60);
        await lab.Cluster.StartAgentAsync("agent1", lab.Cluster.Secret, "test", hostname: "pi1");
        return (external, Assert.Single((await external.NextAsync<FwOffers>()).Offers));
    }

    /// <summary>
    /// Creates an app of 4 whole-agent instances (all of an agent's cpus and memory, so no agent is left half
    /// offered), then starts 4 agents while <paramref name="external"/> holds every offer it gets (held offers count
    /// in its share); returns the app's running instances and the external framework's offered agents once nothing
    /// changed for 3 s.
    /// </summary>
    private static async Task<(int Apps, int External)> CompeteAsync(MarathonApps lab, FrameworkClient external)
    {
        var app = $$"""{"id":"/web","cmd":"{{lab.SleeperCmd}}","cpus":2,"mem":1024,"instances":4}""";
        Assert.Equal(201, (await lab.SendAsync(HttpMethod.Post, "/v2/apps", app)).Status);
        await Eventually.TrueAsync(() => lab.Cluster.Master.Apps.Waiting("/web") is not null, "the app waits for offers", MarathonApps.Patience);
        var offeredAgents = new HashSet<string>();
        // Runs until the test disposes the framework's connection.
        _ = Task.Run(async () =>
        {
            while (true)
            {
                foreach (var offer in (await external.NextAsync<FwOffers>(seconds: 600)).Offers)
                    lock (offeredAgents) offeredAgents.Add(offer.Hostname);
            }
        });
        for (var i = 1; i <= 4; i++) await lab.Cluster.StartAgentAsync($"agent{i}", lab.Cluster.Secret, "test", hostname: $"pi{i}");

        // Settled: every agent used, and nothing changed for 3 s (no event says the allocator has nothing more to do).
        var last = "";
        var stable = System.Diagnostics.Stopwatch.StartNew();
        List<string> hosts = [];
        await Eventually.TrueAsync(async () =>
        {
            var tasks = MarathonApps.Tasks(await lab.AppAsync("/web"));
            hosts = tasks.Where(t => t.GetProperty("state").GetString() == "TASK_RUNNING").Select(t => t.GetProperty("host").GetString()!).Order().ToList();
            string now;
            lock (offeredAgents) now = $"{string.Join(",", hosts)} | {string.Join(",", offeredAgents.Order())} | {tasks.Count}";
            if (now != last) (last, stable) = (now, System.Diagnostics.Stopwatch.StartNew());
            lock (offeredAgents) return stable.Elapsed > TimeSpan.FromSeconds(3) && hosts.Count + offeredAgents.Count == 4;
        }, "every agent is used by the app or offered to the external framework, unchanged for 3 s", MarathonApps.Patience,
            () => $"last seen {last}\n{lab.Cluster.Log}", TimeSpan.FromMilliseconds(100));
        Assert.Empty(hosts.Intersect(offeredAgents));
        // The app still wants more, and says it waits.
        Assert.Equal(4 - hosts.Count, lab.Cluster.Master.Apps.Waiting("/web")?.Missing);
        return (hosts.Count, offeredAgents.Count);
    }


    private static async Task<Dictionary<string, double>> RolesAsync(MarathonApps lab)
    {
        var (_, body) = await lab.SendAsync(HttpMethod.Get, "/v1/roles");
        return body.GetProperty("roles").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("share").GetDouble());
    }
}
