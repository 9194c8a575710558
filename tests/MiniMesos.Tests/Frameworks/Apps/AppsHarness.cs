using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using Xunit;

namespace MiniMesos.Tests.Frameworks.Apps;

/// <summary>
/// A tiny master for the apps framework: a real <see cref="Allocator"/>, a fake clock, and instances
/// whose state the test moves. Every <see cref="Step"/> runs one offer round through
/// <see cref="AppScheduler.Decide"/>, performs its plan and records it.
/// </summary>
internal sealed class AppsHarness
{
    private const string Framework = "apps";
    private readonly Dictionary<string, ResourceSet> _taskResources = new(StringComparer.Ordinal);
    private long _serial = 1;
    private int _version;

    public long NowMs { get; private set; }
    public Allocator Allocator { get; } = new(new AllocatorOptions(DefaultRefuseSeconds: 0));
    public SortedDictionary<string, AppSpec> Apps { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, AppInstance> Instances { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, LaunchBackoff> Backoffs { get; } = new(StringComparer.Ordinal);
    public List<AppDecisions> Log { get; } = [];

    /// <summary>Most launches per step (the apps pass's cap).</summary>
    public int MaxLaunches { get; set; } = int.MaxValue;

    public AppsHarness() => Allocator.AddFramework(Framework);

    public void AddAgent(string id, double cpus = 4, long mem = 4096, string ports = "31000-31099", params (string, string)[] attributes) =>
        Allocator.AddAgent(new AgentRecord(id, id, new Resources(cpus, mem), attributes.ToDictionary(a => a.Item1, a => a.Item2), NowMs),
            PortRanges.Parse(ports));

    /// <summary>Deploys (or redeploys) an app: a new version each time, as the master would stamp it.</summary>
    public AppSpec Deploy(AppSpec app)
    {
        var stamped = app with { Version = $"v{++_version}" };
        Apps[app.Id] = stamped;
        return stamped;
    }

    /// <summary>Changes only the instance count: same version, so no rolling restart.</summary>
    public void Scale(string appId, int instances) => Apps[appId] = Apps[appId] with { Instances = instances };

    public void Advance(long ms) => NowMs += ms;

    public AppDecisions Step()
    {
        var round = Allocator.Allocate(NowMs);
        var decisions = AppScheduler.Decide(new AppSchedulerInput(
            Apps.Values.ToList(), Instances.Values.ToList(), round.Offers, Backoffs, NowMs, _serial, MaxLaunches));
        _serial = decisions.NextSerial;
        foreach (var group in decisions.Launches.GroupBy(l => l.OfferId))
        {
            var offer = round.Offers.Single(o => o.Id == group.Key);
            var result = Allocator.Accept(Framework, [offer.Id], group.Select(l => l.Task).ToList(), NowMs);
            Assert.True(result.Accepted, result.Reason);
            foreach (var launch in group)
            {
                _taskResources[launch.Task.TaskId] = launch.Task.Resources;
                Instances[launch.Task.TaskId] = new AppInstance(launch.Task.TaskId, launch.AppId, launch.Version,
                    new Placement(offer.AgentId, offer.Hostname, offer.Attributes), TaskState.Staging, HealthStatus.Unknown, NowMs);
            }
        }
        if (decisions.UnusedOfferIds.Count > 0) Assert.Null(Allocator.Decline(Framework, decisions.UnusedOfferIds, NowMs, 0));
        foreach (var kill in decisions.Kills) Instances[kill.InstanceId] = Instances[kill.InstanceId] with { KillRequested = true };
        Log.Add(decisions);
        return decisions;
    }

    /// <summary>Every kill sent so far completes: the instance is Killed and its resources come back.</summary>
    public int CompleteKills()
    {
        var dying = Instances.Values.Where(i => i.KillRequested && !i.State.IsTerminal()).ToList();
        foreach (var i in dying) End(i.Id, TaskState.Killed);
        return dying.Count;
    }

    /// <summary>Staging instances start; with health checks they also report healthy.</summary>
    public int StartAll(HealthStatus health = HealthStatus.Healthy)
    {
        var staging = Instances.Values.Where(i => i.State == TaskState.Staging && !i.KillRequested).ToList();
        foreach (var i in staging) Instances[i.Id] = i with { State = TaskState.Running, Health = health };
        return staging.Count;
    }

    public void SetHealth(string id, HealthStatus health) => Instances[id] = Instances[id] with { Health = health };

    public void Fail(string id)
    {
        var instance = Instances[id];
        End(id, TaskState.Failed);
        var app = Apps[instance.AppId];
        Backoffs[app.Id] = Backoffs.GetValueOrDefault(app.Id, LaunchBackoff.None).AfterFailure(app, NowMs);
    }

    public void LoseAgent(string agentId)
    {
        Allocator.RemoveAgent(agentId, "agent lost");
        foreach (var i in Instances.Values.Where(i => i.Placement.AgentId == agentId && !i.State.IsTerminal()).ToList())
            Instances[i.Id] = i with { State = TaskState.Lost };
    }

    public List<AppInstance> Live(string appId) => AppScheduler.Live(Instances.Values, appId).ToList();

    /// <summary>
    /// Steps, completes kills and starts instances until nothing changes (bounded). Waits for capacity that
    /// will never come count as settled once they repeat unchanged; waits on a backoff never do.
    /// </summary>
    public void Settle(int maxSteps = 50)
    {
        string? lastWaits = null;
        for (var s = 0; s < maxSteps; s++)
        {
            var d = Step();
            var changed = CompleteKills() + StartAll();
            Advance(1000);
            var waits = string.Join("|", d.Waits.Select(w => $"{w.AppId}:{w.Missing}:{w.Reason}"));
            var stuck = d.Waits.Count == 0 || (waits == lastWaits && d.Waits.All(w => !w.Reason.StartsWith("launch delayed", StringComparison.Ordinal)));
            // Quiet means: nothing decided, nothing changed that the next step would see, no wait that could end.
            if (d.Launches.Count == 0 && d.Kills.Count == 0 && changed == 0 && stuck) return;
            lastWaits = waits;
        }
        throw new InvalidOperationException("did not settle");
    }

    private void End(string id, TaskState state)
    {
        var i = Instances[id];
        Instances[id] = i with { State = state };
        Allocator.Recover(Framework, i.Placement.AgentId, _taskResources[id]);
    }
}
