using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using Xunit;

namespace MiniMesos.Tests.Frameworks.Apps;

/// <summary>
/// Seeded fault storms against the apps framework: agents vanish and come back, instances crash or turn
/// unhealthy, apps are scaled and redeployed, kills complete late. Whatever happened, once the faults stop
/// every app converges to exactly its instance count, all of the current version and running.
/// </summary>
public sealed class ConvergenceSimulationTests
{
    public static TheoryData<int> Seeds() => new(Enumerable.Range(1, 25));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ConvergesAfterAnyFaults(int seed)
    {
        var random = new Random(seed);
        var h = new AppsHarness();
        var nextAgent = 0;
        void NewAgent() => h.AddAgent($"agent-{++nextAgent}", cpus: 4, mem: 4096);
        for (var i = 0; i < 4; i++) NewAgent();
        var agents = Enumerable.Range(1, 4).Select(i => $"agent-{i}").ToList();
        var specs = new[]
        {
            new AppSpec("/web", Cmd: "web", Cpus: 0.5, Mem: 128, Instances: 3, BackoffSeconds: 0.5, BackoffFactor: 2, MaxLaunchDelaySeconds: 4,
                HealthChecks: [new HealthCheckSpec(Command: "true")], UpgradeStrategy: new UpgradeStrategy(0.5, 0.5)),
            new AppSpec("/worker", Cmd: "work", Cpus: 0.25, Mem: 64, Instances: 5, BackoffSeconds: 1, BackoffFactor: 1.5, MaxLaunchDelaySeconds: 3,
                UpgradeStrategy: new UpgradeStrategy(1, 0)),
        };
        foreach (var s in specs) h.Deploy(s);

        for (var step = 0; step < 300; step++)
        {
            var live = h.Instances.Values.Where(i => !i.State.IsTerminal() && !i.KillRequested).ToList();
            switch (random.Next(12))
            {
                case 0 when agents.Count > 1:
                    var gone = agents[random.Next(agents.Count)];
                    h.LoseAgent(gone);
                    agents.Remove(gone);
                    break;
                case 1 when agents.Count < 5:
                    NewAgent();
                    agents.Add($"agent-{nextAgent}");
                    break;
                case 2 when live.Count > 0:
                    h.Fail(live[random.Next(live.Count)].Id);
                    break;
                case 3 when live.Count > 0:
                    h.SetHealth(live[random.Next(live.Count)].Id, HealthStatus.Unhealthy);
                    break;
                case 4:
                    var app = h.Apps.Values.ElementAt(random.Next(h.Apps.Count));
                    h.Scale(app.Id, random.Next(0, 7));
                    break;
                case 5:
                    var redeploy = h.Apps.Values.ElementAt(random.Next(h.Apps.Count));
                    h.Deploy(redeploy with { Cmd = redeploy.Cmd + "!" });
                    break;
                case 6:
                    h.CompleteKills();
                    break;
            }
            var decisions = h.Step();
            foreach (var app in h.Apps.Values)
            {
                // A scale-down in the middle of a deployment can leave more alive than the new ceiling
                // (old ready instances are kept for the health floor), but a launch never goes above it.
                if (decisions.Launches.All(l => l.AppId != app.Id)) continue;
                var alive = h.Live(app.Id).Count;
                Assert.True(alive <= RolloutPlanner.Bounds(app).MaxTotal,
                    $"seed {seed} step {step}: {app.Id} launched to {alive} alive, ceiling {RolloutPlanner.Bounds(app).MaxTotal}");
            }
            if (random.Next(3) == 0) h.StartAll();
            h.Advance(random.Next(100, 1500));
        }

        // Faults stop; enough capacity returns.
        while (agents.Count < 3)
        {
            NewAgent();
            agents.Add($"agent-{nextAgent}");
        }
        h.Settle(maxSteps: 100);
        foreach (var app in h.Apps.Values)
        {
            var live = h.Live(app.Id);
            Assert.Equal(app.Instances, live.Count);
            Assert.All(live, i => Assert.Equal((app.Version, TaskState.Running), (i.Version, i.State)));
        }
    }
}
