using System.Text.Json;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Isolation;
using MiniMesos.Net.Http;
using Xunit;

namespace MiniMesos.Tests.EndToEnd;

/// <summary>Unreachable agents, their return and draining, with a real master and agents in the test process.</summary>
[Trait("Category", "Slow")]
public sealed class AgentHealthEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task AStoppedAgentsTasksGoUnreachableTheAppIsReplacedAndOnItsReturnTheExtraInstanceIsKilled()
    {
        Assert.True(Environment.IsPrivilegedProcess, "this test reattaches isolated tasks after an agent restart: run the tests as root");
        var group = $"minimesos-e2e-{Environment.ProcessId}-{Guid.NewGuid():N}"[..36];
        var launch = new LaunchOptions(InitCommand: TestInit.Command, CgroupGroup: group);
        await using var cluster = await InProcessCluster.StartAsync(agents: 0, agentTimeouts: new AgentTimeouts(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5)));
        var master = cluster.Master.Service;
        using var first = new CancellationTokenSource();
        var agent = await cluster.StartAgentAsync("agent1", cluster.Secret, "test", launch: launch, stop: first.Token, hostname: "pi1");
        var launcher = Assert.IsType<IsolatedTaskLauncher>(agent.Launcher);
        try
        {
            using var client = cluster.Client();
            var oneShot = await client.SubmitAsync(new TaskSubmitRequest(["/bin/sh", "-c", "exec sleep 60"], null, "one", 0.1, 16, null), CancellationToken.None);
            var (status, _) = await client.SendAsync(HttpMethod.Post, "/v2/apps",
                """{"id": "/solo", "cmd": "exec sleep 60", "cpus": 0.1, "mem": 16, "instances": 1, "unreachableStrategy": {"inactiveAfterSeconds": 0, "expungeAfterSeconds": 300}}""", CancellationToken.None);
            Assert.Equal(201, status);
            await Eventually.TrueAsync(() => master.Task(oneShot.Id)!.State == TaskState.Running && Instances(master).Any(t => t.State == TaskState.Running),
                "one-shot task and app instance running on pi1", Patience, () => $"log:\n{cluster.Log}");
            var original = Instances(master).Single().Id;
            var agent1 = master.Agents().Single().Agent.Id;
            await cluster.StartAgentAsync("agent2", cluster.Secret, "test", hostname: "pi2");

            await first.CancelAsync();
            await Eventually.TrueAsync(() => master.Task(oneShot.Id)!.State == TaskState.Unreachable && master.Mode(agent1) == AgentMode.Unreachable,
                "pi1's tasks UNREACHABLE", Patience, () => $"log:\n{cluster.Log}");
            Assert.Equal(TaskState.Unreachable, master.Task(original)!.State);
            await Eventually.TrueAsync(() => Instances(master).Any(t => t.Id != original && t.State == TaskState.Running && master.Agents()
                .Single(a => a.Agent.Id == t.AgentId).Agent.Hostname == "pi2"), "a replacement running on pi2", Patience, () => $"log:\n{cluster.Log}");
            var replacement = Instances(master).Single(t => t.Id != original).Id;
            Assert.Contains(master.EventsAfter(0), e => e.Kind == "agent_unreachable" && e.Id == agent1);

            // pi1 comes back with both processes still running: they resume, and the app has one instance too many.
            await cluster.StartAgentAsync("agent1", cluster.Secret, "test", launch: launch, hostname: "pi1");
            await Eventually.TrueAsync(() => master.Task(oneShot.Id)!.State == TaskState.Running && master.Task(original)!.State == TaskState.Running
                && master.Task(replacement)!.State == TaskState.Killed, "pi1's tasks RUNNING again and the replacement killed", Patience, () => $"log:\n{cluster.Log}");
            Assert.Equal(AgentMode.Active, master.Mode(agent1));
            // Nothing marks "the master has decided not to act": the app keeps its one instance for a while.
            await Eventually.StaysTrueAsync(() => Instances(master).Where(t => t.State.IsAlive()).Select(t => t.Id).SequenceEqual([original]),
                "the original is the app's only live instance", TimeSpan.FromSeconds(1.5), () => $"log:\n{cluster.Log}");
            Assert.Equal(TaskState.Running, master.Task(oneShot.Id)!.State);
        }
        finally
        {
            IsolatedTaskTests.RemoveGroup(launcher);
        }
    }

    [Fact]
    public async Task DrainingMovesAnAppsInstancesToAnotherAgentAndReactivateTakesTasksAgain()
    {
        await using var lab = await MarathonApps.StartAsync(agents: 1);
        var master = lab.Cluster.Master.Service;
        try
        {
            Assert.Equal(201, (await lab.SendAsync(HttpMethod.Post, "/v2/apps",
                $$"""{"id": "/moved", "cmd": "{{lab.SleeperCmd}}", "cpus": 0.1, "mem": 16, "instances": 2}""")).Status);
            await lab.WaitForAppAsync("/moved", a => a.GetProperty("tasksRunning").GetInt32() == 2, "2 running on pi1");
            var pi1 = master.Agents().Single().Agent.Id;
            await lab.Cluster.StartAgentAsync("agent2", lab.Cluster.Secret, "test", hostname: "pi2");

            var bad = await lab.SendAsync(HttpMethod.Post, $"/v1/agents/{pi1}/drain", """{"gracePeriodSeconds": -1}""");
            Assert.Equal(400, bad.Status);
            Assert.Equal("gracePeriodSeconds", bad.Body.GetProperty("field").GetString());
            Assert.Equal(404, (await lab.SendAsync(HttpMethod.Post, "/v1/agents/nope/drain")).Status);

            var env = new Dictionary<string, string> { ["MINIMESOS_TOKEN"] = lab.Cluster.Secret.Token, ["MINIMESOS_MASTER"] = $"127.0.0.1:{lab.Cluster.Api.Port}" };
            var (code, stdout, stderr) = await CliProcess.RunAsync(["agent", "drain", pi1, "--grace", "1"], env);
            Assert.True(code == 0, stderr);
            Assert.Contains("draining", stdout);
            Assert.Equal(2, (await CliProcess.RunAsync(["agent", "drain", pi1, "--grace", "-3"], env)).ExitCode);

            var app = await lab.WaitForAppAsync("/moved", a => MarathonApps.Tasks(a).Count == 2 && a.GetProperty("tasksRunning").GetInt32() == 2
                && MarathonApps.Tasks(a).All(t => t.GetProperty("host").GetString() == "pi2"), "both instances moved to pi2");
            await Eventually.TrueAsync(() => master.Mode(pi1) == AgentMode.Drained, "pi1 drained", Patience, () => $"log:\n{lab.Cluster.Log}");
            var agents = JsonDocument.Parse(await lab.Cluster.Client().GetJsonAsync("/v1/agents", CancellationToken.None)).RootElement.GetProperty("agents");
            Assert.Equal("drained", agents.EnumerateArray().Single(a => a.GetProperty("id").GetString() == pi1).GetProperty("state").GetString());
            (code, stdout, _) = await CliProcess.RunAsync(["agent", "list"], env);
            Assert.Equal(0, code);
            Assert.Contains("drained", stdout);
            Assert.Contains(master.EventsAfter(0), e => e.Kind == "agent_draining" && e.Id == pi1);
            var metrics = await lab.Cluster.Client().GetJsonAsync("/metrics", CancellationToken.None);
            Assert.Contains("minimesos_agents_by_state{state=\"drained\"} 1", metrics);

            (code, stdout, _) = await CliProcess.RunAsync(["agent", "reactivate", pi1], env);
            Assert.Equal(0, code);
            Assert.Contains("active", stdout);
            var oneShot = await lab.Cluster.Client().SubmitAsync(new TaskSubmitRequest(["/bin/true"], null, "after", 1.5, 16, null), CancellationToken.None);
            await Eventually.TrueAsync(() => master.Task(oneShot.Id)!.State == TaskState.Finished, "a task placed after reactivation", Patience, () => $"log:\n{lab.Cluster.Log}");
            Assert.Equal(pi1, master.Task(oneShot.Id)!.AgentId);
        }
        finally
        {
            lab.KillLeftovers();
        }
    }

    private static List<TaskRecord> Instances(Net.Master.MasterService master) => master.Tasks().Where(t => t.Spec.AppId == "/solo").ToList();

}
