using System.Text.Json;
using MiniMesos.Core.Model;
using MiniMesos.Net.Http;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>POST /v1/tasks with Marathon constraints on a master with two agents (the second one named pi2).</summary>
[Trait("Category", "Slow")]
public sealed class TaskConstraintTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ConstrainedTasksLandOnTheMatchingAgentAndAnUnsatisfiableOneWaitsWithTheReason()
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 1);
        await cluster.StartAgentAsync("agent1", cluster.Secret, "test", hostname: "pi2");
        var master = cluster.Master.Service;
        using var client = cluster.Client();
        string[][] onPi2 = [["hostname", "LIKE", "pi2"]];
        string[][] notPi2 = [["hostname", "UNLIKE", "pi2"]];
        var on = await client.SubmitAsync(new TaskSubmitRequest(["true"], null, "on", 0.1, 16, null, Constraints: onPi2), CancellationToken.None);
        var off = await client.SubmitAsync(new TaskSubmitRequest(["true"], null, "off", 0.1, 16, null, Constraints: notPi2), CancellationToken.None);
        var (status, body) = await client.SendAsync(HttpMethod.Post, "/v1/tasks",
            """{"args": ["true"], "name": "nowhere", "constraints": [["hostname", "LIKE", "pi[78]"]]}""", CancellationToken.None);
        Assert.Equal(201, status);
        var nowhere = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;

        await Eventually.TrueAsync(() => master.Task(on.Id)!.State == TaskState.Finished && master.Task(off.Id)!.State == TaskState.Finished,
            "both placeable tasks finish", Patience, () => cluster.Log.ToString());
        string HostOf(string id) => master.Agents().Single(a => a.Agent.Id == master.Task(id)!.AgentId).Agent.Hostname;
        Assert.Equal("pi2", HostOf(on.Id));
        Assert.NotEqual("pi2", HostOf(off.Id));

        var waiting = await client.GetTaskAsync(nowhere, CancellationToken.None);
        Assert.Equal(("TASK_STAGING", (string?)null), (waiting.State, waiting.AgentId));
        Assert.Equal("LIKE hostname:pi[78]: no agent matches", waiting.WaitingReason);
        Assert.Equal(["hostname", "LIKE", "pi[78]"], Assert.Single(waiting.Constraints!));
    }

    [Theory]
    [InlineData("""[["hostname", "NEAR", "x"]]""", "constraints[0][1]", "unknown operator 'NEAR'")]
    [InlineData("""[["hostname", "LIKE", "pi1"], ["rack", "LIKE"]]""", "constraints[1]", "LIKE needs a regular expression value")]
    [InlineData("""[["hostname", "LIKE", "pi[1"]]""", "constraints[0][2]", "invalid regular expression")]
    [InlineData("""[["rack", "MAX_PER", "0"]]""", "constraints[0][2]", "MAX_PER needs a positive integer value")]
    [InlineData("""[["hostname", 3]]""", "constraints[0][1]", "must be a string")]
    [InlineData("""{"hostname": "LIKE"}""", "constraints", "must be an array")]
    public async Task BadConstraintsAre400NamingTheConstraint(string constraints, string field, string reason)
    {
        await using var cluster = await InProcessCluster.StartAsync(agents: 0);
        using var client = cluster.Client();
        var (status, body) = await client.SendAsync(HttpMethod.Post, "/v1/tasks", $$"""{"args": ["true"], "constraints": {{constraints}}}""", CancellationToken.None);
        Assert.Equal(400, status);
        var error = JsonDocument.Parse(body).RootElement;
        Assert.Equal(field, error.GetProperty("field").GetString());
        Assert.Contains(reason, error.GetProperty("reason").GetString());
        Assert.Empty(cluster.Master.Service.Tasks());
    }
}
