using System.Buffers;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Frameworks.Tasks;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.State;

/// <summary>Unreachable, gone and draining agents: the replicated state, the leader's pure policy (times passed in), the codecs.</summary>
public sealed class AgentHealthTests
{
    private static readonly Dictionary<string, string> NoEnv = [];
    private static readonly AgentTimeouts Timeouts = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));

    private static TaskSpec Spec(string? appId = null) => new("t", ["true"], NoEnv, new Resources(0.5, 32), appId, appId is null ? null : "v1");

    /// <summary>Agents a1 and a2; t1 RUNNING on a1, t2 STARTING on a1, t3 RUNNING on a2, t4 FINISHED on a1.</summary>
    private static ClusterState Cluster()
    {
        var state = new ClusterState();
        foreach (var id in new[] { "a1", "a2" }) Assert.True(state.Apply(new AddAgent(0, new AgentRecord(id, id, new Resources(4, 1024), NoEnv, 0))));
        void Task(string id, string agent, TaskState s)
        {
            Assert.True(state.Apply(new SubmitTask(1, id, Spec())));
            Assert.True(state.Apply(new AssignTask(2, id, agent)));
            Assert.True(state.Apply(new UpdateTaskStatus(3, id, s, s == TaskState.Finished ? 0 : null, null, null)));
        }
        Task("t1", "a1", TaskState.Running);
        Task("t2", "a1", TaskState.Starting);
        Task("t3", "a2", TaskState.Running);
        Task("t4", "a1", TaskState.Finished);
        return state;
    }

    [Fact]
    public void ASilentAgentBecomesUnreachableThenGoneOnAFakeClock()
    {
        var state = Cluster();
        var silent = new Dictionary<string, long> { ["a1"] = 1_000 };
        Assert.Empty(AgentHealthPolicy.Expire(state, silent, new Dictionary<string, long>(), 10_999, 10_999, Timeouts));
        var mark = Assert.IsType<MarkAgentUnreachable>(Assert.Single(AgentHealthPolicy.Expire(state, silent, new Dictionary<string, long>(), 11_000, 11_000, Timeouts)));
        Assert.Equal("a1", mark.AgentId);
        Assert.True(state.Apply(mark));
        Assert.False(state.Apply(mark), "marking twice does not apply");
        Assert.Equal(AgentMode.Unreachable, state.Mode("a1"));
        Assert.False(state.AcceptsTasks("a1"));
        Assert.Equal(TaskState.Unreachable, state.Tasks["t1"].State);
        Assert.Equal(TaskState.Unreachable, state.Tasks["t2"].State);
        Assert.Equal(TaskState.Finished, state.Tasks["t4"].State);
        Assert.Equal(TaskState.Running, state.Tasks["t3"].State);
        Assert.False(TaskState.Unreachable.IsTerminal());
        // Its tasks still hold their resources (they may still run), and nothing new is placed there.
        Assert.Equal(3, state.Free("a1").Cpus);
        Assert.True(state.Apply(new SubmitTask(20, "new", Spec())));
        Assert.Equal("a2", Assert.Single(FirstFitPlacement.Place(state)).AgentId);

        // The gone timeout counts on the leader's monotonic clock from when it saw the agent unreachable, whatever the
        // wall clock (the command's stamp) says: hours of wall-clock jump change nothing.
        var seen = new Dictionary<string, long> { ["a1"] = 11_000 };
        Assert.Empty(AgentHealthPolicy.Expire(state, new Dictionary<string, long>(), seen, 11_000 + 59_999, 11_000 + 59_999 + 3_600_000 * 5, Timeouts));
        Assert.Empty(AgentHealthPolicy.Expire(state, new Dictionary<string, long>(), new Dictionary<string, long>(), 1_000_000, 1_000_000, Timeouts));
        var gone = Assert.IsType<RemoveAgentGone>(Assert.Single(AgentHealthPolicy.Expire(state, new Dictionary<string, long>(), seen, 71_000, 71_000 - 3_600_000 * 2, Timeouts)));
        Assert.True(state.Apply(gone));
        Assert.False(state.Agents.ContainsKey("a1"));
        Assert.Empty(state.UnreachableSince);
        Assert.Equal(TaskState.Gone, state.Tasks["t1"].State);
        Assert.True(TaskState.Gone.IsTerminal());
        Assert.Equal("TASK_GONE", state.Tasks["t2"].State.ToWire());
        Assert.True(TaskStates.TryParseWire("TASK_UNREACHABLE", out var parsed) && parsed == TaskState.Unreachable);
    }

    [Fact]
    public void AReturningAgentResumesWhatRunsLosesWhatItLostAndKillsWhatItShouldNotRun()
    {
        var state = Cluster();
        Assert.True(state.Apply(new MarkAgentUnreachable(20, "a1", "silent")));
        // a1 is back: it still runs t1, knows t2 only by a pending update, and runs t4 (ended for the master), t3 (a2's) and a stray.
        Assert.True(state.Apply(new AddAgent(30, new AgentRecord("a1", "a1", new Resources(4, 1024), NoEnv, 30))));
        Assert.Equal(AgentMode.Active, state.Mode("a1"));
        Assert.True(state.Apply(new SubmitTask(31, "t5", Spec())));
        Assert.True(state.Apply(new AssignTask(31, "t5", "a1")));
        Assert.True(state.Apply(new UpdateTaskStatus(31, "t5", TaskState.Running, null, null, null)));
        Assert.True(state.Apply(new MarkAgentUnreachable(32, "a1", "silent")));
        // a1 returns with its report: one entry makes it active and settles its tasks, against the state it commits into.
        var report = new AgentReport(new HashSet<string> { "t1", "t2", "t3", "t4", "stray" }, new HashSet<string> { "t1", "t3", "t4", "stray" });
        var registration = new AgentRegistration(40, new AgentRecord("a1", "a1", new Resources(4, 1024), NoEnv, 40), report);
        var decoded = (AgentRegistration)CommandCodec.Decode(CommandCodec.Encode(registration));
        Assert.Equal((registration.Agent with { Attributes = NoEnv }), decoded.Agent with { Attributes = NoEnv });
        Assert.Equal(report.Running.Order(), decoded.Report.Running.Order());
        Assert.Equal(report.Known.Order(), decoded.Report.Known.Order());
        Assert.True(state.Apply(decoded));
        Assert.Equal(AgentMode.Active, state.Mode("a1"));
        Assert.Equal(TaskState.Running, state.Tasks["t1"].State);
        Assert.Equal(TaskState.Staging, state.Tasks["t2"].State);
        Assert.Equal(TaskState.Lost, state.Tasks["t5"].State);
        Assert.Contains("re-registered without this task", state.Tasks["t5"].Message);
        Assert.Equal(["stray", "t3", "t4"], AgentHealthPolicy.Strays(state, "a1", report));
        // A stale RUNNING resent before t2's end moves it forward, then its end lands.
        Assert.True(state.Apply(new UpdateTaskStatus(41, "t2", TaskState.Running, null, null, null)));
        Assert.True(state.Apply(new UpdateTaskStatus(41, "t2", TaskState.Failed, 2, null, "exited with code 2")));
        // An older agent reports nothing (AddAgent): its tasks stay as they are.
        Assert.True(state.Apply(new MarkAgentUnreachable(50, "a1", "silent")));
        Assert.True(state.Apply(new AddAgent(60, new AgentRecord("a1", "a1", new Resources(4, 1024), NoEnv, 60))));
        Assert.Equal(TaskState.Unreachable, state.Tasks["t1"].State);
    }

    [Fact]
    public void ADrainingAgentTakesNothingKillsItsTasksWithTheGraceAndIsDrainedOnceEmpty()
    {
        var state = Cluster();
        Assert.False(state.Apply(new SetAgentDrain(10, "nope", true, 1000)));
        Assert.False(state.Apply(new SetAgentDrain(10, "a1", false, 0)), "reactivating an agent that does not drain changes nothing");
        Assert.True(state.Apply(new SetAgentDrain(10, "a1", true, 2500)));
        Assert.Equal(AgentMode.Draining, state.Mode("a1"));
        Assert.False(state.AcceptsTasks("a1"));
        Assert.Equal([("t1", "a1", TimeSpan.FromMilliseconds(2500)), ("t2", "a1", TimeSpan.FromMilliseconds(2500))], AgentHealthPolicy.DrainKills(state));
        Assert.True(state.Apply(new UpdateTaskStatus(11, "t1", TaskState.Killed, null, 15, null)));
        Assert.True(state.Apply(new UpdateTaskStatus(11, "t2", TaskState.Killed, null, 15, null)));
        Assert.Equal(AgentMode.Drained, state.Mode("a1"));
        Assert.Empty(AgentHealthPolicy.DrainKills(state));
        // Draining survives a re-registration (an agent restart); reactivating ends it.
        Assert.True(state.Apply(new AddAgent(12, new AgentRecord("a1", "a1", new Resources(4, 1024), NoEnv, 12))));
        Assert.Equal(AgentMode.Drained, state.Mode("a1"));
        Assert.True(state.Apply(new SetAgentDrain(13, "a1", false, 0)));
        Assert.Equal(AgentMode.Active, state.Mode("a1"));
    }

    [Fact]
    public void EventsNameTheAgentStatesAndTheTasksThatChanged()
    {
        var state = Cluster();
        List<ClusterEvent> Apply(ClusterCommand c)
        {
            var before = ClusterEvents.Before(state, c);
            Assert.True(state.Apply(c));
            return ClusterEvents.After(state, c, before, 1).ToList();
        }
        var unreachable = Apply(new MarkAgentUnreachable(5, "a1", "silent"));
        Assert.Equal(("agent_unreachable", "a1"), (unreachable[0].Kind, unreachable[0].Id));
        Assert.Equal(["t1:TASK_UNREACHABLE", "t2:TASK_UNREACHABLE"], unreachable.Skip(1).Select(e => $"{e.Id}:{e.State}").Order());
        var drain = Assert.Single(Apply(new SetAgentDrain(6, "a2", true, 1000)));
        Assert.Equal(("agent_draining", "draining"), (drain.Kind, drain.State));
        Assert.Equal("agent_reactivated", Assert.Single(Apply(new SetAgentDrain(7, "a2", false, 0))).Kind);
        var gone = Apply(new RemoveAgentGone(8, "a1", "gone"));
        Assert.Equal(("agent_removed", "gone"), (gone[0].Kind, gone[0].State));
        Assert.Equal(["t1:TASK_GONE", "t2:TASK_GONE"], gone.Skip(1).Select(e => $"{e.Id}:{e.State}").Order());
    }

    [Fact]
    public void AnUnreachableInstanceCountsUntilInactiveIsThenReplacedAndWhenItReturnsKillSelectionPicksWhoGoes()
    {
        var app = new AppSpec("/web", Cmd: "x", Instances: 1, Version: "v1", UnreachableStrategy: new UnreachableStrategy(10, 20));
        AppInstance Instance(string id, TaskState s, long at, long since = 0) =>
            new(id, "/web", "v1", new Placement("a", "a", NoEnv), s, HealthStatus.Unknown, at, UnreachableSinceMs: since);
        // Away for less than inactiveAfterSeconds: it still counts, nothing replaces it.
        var away = RolloutPlanner.Plan(app, [Instance("web.1", TaskState.Unreachable, 1, since: 1_000)], nowMs: 10_999);
        Assert.Equal(0, away.ToLaunch);
        Assert.Empty(away.Kills);
        var inactive = RolloutPlanner.Plan(app, [Instance("web.1", TaskState.Unreachable, 1, since: 1_000)], nowMs: 11_000);
        Assert.Equal(1, inactive.ToLaunch);
        Assert.Empty(inactive.Kills);
        var expunged = RolloutPlanner.Plan(app, [Instance("web.1", TaskState.Unreachable, 1, since: 1_000), Instance("web.2", TaskState.Running, 12)],
            nowMs: 21_000);
        Assert.Equal("web.1", Assert.Single(expunged.Kills).InstanceId);
        Assert.Contains("expunged", expunged.Kills[0].Reason);
        Assert.Equal(0, expunged.ToLaunch);
        // "disabled": never inactive, never expunged.
        var off = RolloutPlanner.Plan(app with { UnreachableStrategy = UnreachableStrategy.Off }, [Instance("web.1", TaskState.Unreachable, 1, since: 1_000)],
            nowMs: 10_000_000);
        Assert.Equal(0, off.ToLaunch);
        Assert.Empty(off.Kills);
        // The agent returns: two instances run; YOUNGEST_FIRST kills the replacement, OLDEST_FIRST the one that came back.
        AppInstance[] both = [Instance("web.1", TaskState.Running, 1), Instance("web.2", TaskState.Running, 5)];
        Assert.Equal("web.2", Assert.Single(RolloutPlanner.Plan(app, both).Kills).InstanceId);
        Assert.Equal("web.1", Assert.Single(RolloutPlanner.Plan(app with { KillSelection = KillSelection.OldestFirst }, both).Kills).InstanceId);
    }

    [Fact]
    public void CommandsAndSnapshotsRoundTripAndOlderSnapshotsStillRead()
    {
        ClusterCommand[] commands = [new MarkAgentUnreachable(1, "a1", "silent"), new SetAgentDrain(2, "a1", true, 2500), new SetAgentDrain(3, "a1", false, 0),
            new RemoveAgentGone(4, "a1", "gone"), new UpdateTaskStatus(5, "t", TaskState.Unreachable, null, null, null)];
        foreach (var command in commands)
        {
            var bytes = CommandCodec.Encode(command);
            Assert.Equal(command, CommandCodec.Decode(bytes));
        }
        Assert.Equal([12, 13, 13, 14], commands.Take(4).Select(c => (int)CommandCodec.Encode(c)[0]));

        var state = Cluster();
        Assert.True(state.Apply(new MarkAgentUnreachable(20, "a1", "silent")));
        Assert.True(state.Apply(new SetAgentDrain(21, "a2", true, 1500)));
        var snapshot = StateSnapshotCodec.Encode(state);
        Assert.Equal(4, snapshot[0]);
        var copy = new ClusterState();
        StateSnapshotCodec.Restore(copy, snapshot);
        Assert.Equal(20, copy.UnreachableSince["a1"]);
        Assert.Equal(1500, copy.DrainGraceMs["a2"]);
        Assert.Equal(TaskState.Unreachable, copy.Tasks["t1"].State);
        Assert.Equal(snapshot, StateSnapshotCodec.Encode(copy));

        // A version-2 snapshot (no health section) restores with every agent active.
        var v2 = new ArrayBufferWriter<byte>();
        v2.Write<byte>([2]);
        var w = new MessagePackWriter(v2);
        w.WriteArrayHeader(3);
        w.WriteArrayHeader(1);
        w.WriteArrayHeader(7);
        w.WriteString("a9");
        w.WriteString("pi9");
        w.WriteDouble(1);
        w.WriteInt64(512);
        w.WriteInt64(0);
        w.WriteMapHeader(0);
        w.WriteInt64(0);
        w.WriteArrayHeader(0);
        w.WriteArrayHeader(0);
        StateSnapshotCodec.Restore(copy, v2.WrittenSpan);
        Assert.Equal(AgentMode.Active, copy.Mode("a9"));
        Assert.Empty(copy.UnreachableSince);
        Assert.Empty(copy.DrainGraceMs);
    }

    [Fact]
    public void RegistrationCarriesTheAgentsTasksAndAnOlderAgentsDoesNot()
    {
        var register = new RegisterAgent("a1", "pi1", 4, 3800, 1000, NoEnv, [], Tasks: ["t1", "t2"], Running: ["t1"]);
        var decoded = Assert.IsType<RegisterAgent>(MessageCodec.Decode(MessageCodec.Encode(register), MessagePackLimits.Default));
        Assert.Equal(["t1", "t2"], decoded.Tasks);
        Assert.Equal(["t1"], decoded.Running);
        var old = Assert.IsType<RegisterAgent>(MessageCodec.Decode(MessageCodec.Encode(register with { Tasks = null, Running = null }), MessagePackLimits.Default));
        Assert.Null(old.Tasks);
        Assert.Null(old.Running);
    }
}
