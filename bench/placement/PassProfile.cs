using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Master;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Raft;

namespace MiniMesos.Bench;

/// <summary>
/// The apps pass's pieces timed one by one on one master's state (applied directly, no Raft): N agents, M apps whose I
/// instances all run, then the same apps with nothing placed yet. Shows what a pass costs at scale, apart from commits.
/// The offers come from an allocator fed from a copy of the state (the master's own allocator needs agent sessions),
/// as the leader's apps pass gets them: feed sync and one round, every offer declined again after the decision.
/// </summary>
internal static class PassProfile
{
    public static void Run(int agentCount, int appCount, int instances, int maxPerPass)
    {
        Console.WriteLine($"== one apps pass, piece by piece: {agentCount} agents, {appCount} apps, {instances} instances (median of 5 runs, ms)");
        var master = new MasterService(TimeProvider.System, NullLogger.Instance);
        var machine = (IRaftStateMachine)master;
        var state = new ClusterState();
        ulong index = 0;
        var applying = new Stopwatch();
        void Apply(ClusterCommand command)
        {
            var entry = CommandCodec.Encode(command);
            applying.Start();
            machine.Apply(++index, entry);
            applying.Stop();
            state.Apply(command);
        }
        var perAgent = (instances + agentCount - 1) / agentCount;
        var total = new Resources(perAgent * 1.25 * 0.01 + 0.01, (long)Math.Ceiling(perAgent * 1.25 * 16) + 16, 1024);
        var agents = Enumerable.Range(0, agentCount).Select(i => new AgentRecord($"agent-{i:0000}", $"agent-{i:0000}", total, new Dictionary<string, string>(), 0))
            .ToList();
        foreach (var agent in agents) Apply(new AddAgent(0, agent));
        var apps = Enumerable.Range(0, appCount).Select(i => new AppSpec($"/bench/app{i:000}", Args: ["sleep", "inf"], Cpus: 0.01, Mem: 16, Ports: 1,
            Instances: instances / appCount + (i < instances % appCount ? 1 : 0), Version: "1")).ToList();
        foreach (var app in apps) Apply(new PutApp(0, app));

        var feed = NewFeed();
        var ids = agents.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        Console.WriteLine("nothing placed yet:");
        Time(master, state, feed, ids, maxPerPass, out var decisions);
        // Place everything the way the apps pass would, then mark it RUNNING.
        var serial = 1L;
        var placedCount = 0;
        while (placedCount < instances)
        {
            var (allApps, tasks, byId) = View(master);
            var offers = Offers(state, feed, ids);
            var d = AppScheduler.Decide(new AppSchedulerInput(allApps, AppInputs.Instances(allApps.ToDictionary(a => a.Id), tasks, byId, new HashSet<string>()),
                offers, new Dictionary<string, LaunchBackoff>(), 1, serial, maxPerPass));
            serial = d.NextSerial;
            Return(feed);
            if (d.Launches.Count == 0) throw new InvalidOperationException("the profile's cluster is full: " + d.Waits.FirstOrDefault()?.Reason);
            var launches = d.Launches.Select(l => new PlacedLaunch(l.Task.TaskId, TaskSpecBuilder.ForApp(apps.First(a => a.Id == l.AppId), l, l.AgentId), l.AgentId))
                .ToList();
            for (var i = 0; i < launches.Count; i += MasterService.MaxLaunchesPerEntry)
                Apply(new LaunchTasks(1, launches.Skip(i).Take(MasterService.MaxLaunchesPerEntry).ToList()));
            foreach (var launch in launches)
                Apply(new UpdateTaskStatus(2, launch.TaskId, TaskState.Running, null, null, null));
            placedCount += launches.Count;
        }
        Console.WriteLine($"apply: {index} entries in {applying.Elapsed.TotalMilliseconds:0} ms ({applying.Elapsed.TotalMilliseconds * 1000 / index:0.0} us per entry, decode included)");
        Console.WriteLine("every instance RUNNING (the pass has nothing to launch):");
        Time(master, state, feed, ids, maxPerPass, out decisions);
        if (decisions.Launches.Count != 0) throw new InvalidOperationException("a converged cluster should launch nothing");
        // What the first reader after a change pays, under the apply lock: the view frozen after one applied status update.
        var freeze = new List<double>();
        var someTask = state.Tasks.Keys.First();
        for (var run = 0; run < 5; run++)
        {
            Apply(new UpdateTaskStatus(3 + run, someTask, TaskState.Running, null, null, null));
            var clock = Stopwatch.StartNew();
            machine.FreezeSnapshot();
            freeze.Add(Lap(clock));
        }
        Console.WriteLine($"  the view frozen after one applied entry {Median(freeze):0.000}");
        // A Raft snapshot goes to a lagging follower in one message, and a message is one frame (16 MiB at most).
        var snapshot = machine.Snapshot();
        Console.WriteLine($"state snapshot: {snapshot.Length / 1048576.0:0.0} MiB ({snapshot.Length / (double)instances:0} bytes per instance; " +
            $"one frame holds at most {Net.Wire.WireOptions.DefaultMaxFrameBytes / 1048576} MiB)");
    }

    private static AllocatorFeed NewFeed()
    {
        var feed = new AllocatorFeed(new Allocator());
        feed.Allocator.AddFramework(AllocatorFeed.Apps);
        return feed;
    }

    /// <summary>What the apps pass holds after its round: the feed brought up to date, then one allocation.</summary>
    private static IReadOnlyList<Offer> Offers(ClusterState state, AllocatorFeed feed, HashSet<string> agents)
    {
        feed.Sync(state, agents, 1);
        return feed.Allocator.Allocate(1).Offers;
    }

    private static void Return(AllocatorFeed feed) =>
        feed.Allocator.Decline(AllocatorFeed.Apps, feed.Allocator.OutstandingOffers.Select(o => o.Id).ToList(), 1, 0);

    private static void Time(MasterService master, ClusterState state, AllocatorFeed feed, HashSet<string> agents, int maxPerPass,
        out AppDecisions decisions)
    {
        var view = new List<double>();
        var instances = new List<double>();
        var offers = new List<double>();
        var decide = new List<double>();
        decisions = null!;
        for (var run = 0; run < 5; run++)
        {
            var clock = Stopwatch.StartNew();
            var (apps, tasks, byId) = View(master);
            view.Add(Lap(clock));
            var appsById = apps.ToDictionary(a => a.Id, StringComparer.Ordinal);
            var list = AppInputs.Instances(appsById, tasks, byId, new HashSet<string>(), master.HealthStatuses());
            var serial = AppInputs.NextSerial(tasks, 1);
            instances.Add(Lap(clock));
            var o = Offers(state, feed, agents);
            offers.Add(Lap(clock));
            decisions = AppScheduler.Decide(new AppSchedulerInput(apps, list, o, new Dictionary<string, LaunchBackoff>(), 1, serial, maxPerPass));
            decide.Add(Lap(clock));
            Return(feed);
        }
        Console.WriteLine($"  AppsView {Median(view):0.0}  instances+serial {Median(instances):0.0}  offers {Median(offers):0.0}  " +
            $"decide {Median(decide):0.0}  (launches {decisions.Launches.Count})");
    }

    private static (IReadOnlyList<AppSpec>, IReadOnlyList<TaskRecord>, IReadOnlyDictionary<string, AgentRecord>) View(MasterService master)
    {
        var (apps, tasks, byId, _) = master.AppsView();
        return (apps, tasks, byId);
    }

    private static double Lap(Stopwatch clock)
    {
        var ms = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        return ms;
    }

    private static double Median(List<double> values) => PlacementCounters.Quantile(values, 0.5);
}
