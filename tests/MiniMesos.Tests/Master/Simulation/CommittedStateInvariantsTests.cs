using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using Xunit;

namespace MiniMesos.Tests.Master.Simulation;

/// <summary>
/// The per-step checker (<see cref="CommittedStateInvariants"/>) on recorded histories: the one of issue 22 (an agent's
/// return committed in two entries with an apps pass in between) must fail it, the same return in one entry must not.
/// </summary>
public sealed class CommittedStateInvariantsTests
{
    private static readonly Dictionary<string, string> NoAttributes = [];
    private static readonly AppSpec App = new("/evpart-sleep", Cmd: "sleep 1000", Cpus: 0.1, Mem: 16, Instances: 2,
        Constraints: [["hostname", "UNIQUE"]], Version: "v1", UnreachableStrategy: new UnreachableStrategy(0, 600));

    private static AgentRecord Agent(string id) => new(id, $"host-{id}", new Resources(2, 1024), NoAttributes, 0);

    private static TaskSpec Instance() => new("evpart-sleep", ["sleep", "1000"], NoAttributes, new Resources(0.1, 16), App.Id, App.Version);

    /// <summary>Two agents, both instances running, a1 cut past the unreachable timeout (its instance inactive at once, no free host).</summary>
    private static List<ClusterCommand> Before() =>
    [
        new AddAgent(0, Agent("a1")),
        new AddAgent(0, Agent("a2")),
        new PutApp(1, App),
        new LaunchTasks(2, [new("evpart-sleep.1", Instance(), "a1"), new("evpart-sleep.2", Instance(), "a2")]),
        new UpdateTaskStatuses(3, [new(3, "evpart-sleep.1", TaskState.Running, null, null, null), new(3, "evpart-sleep.2", TaskState.Running, null, null, null)]),
        new MarkAgentUnreachable(20_000, "a1", "silent"),
    ];

    private static CommittedStateInvariants Replay(IEnumerable<ClusterCommand> history)
    {
        var check = new CommittedStateInvariants();
        var i = 0;
        foreach (var command in history) check.Apply(command, $"entry {++i}");
        return check;
    }

    [Fact]
    public void TheOldTwoEntryReturnFailsTheCheckOnCountAndUniqueness()
    {
        // As seen in the issue: the agent is back (AddAgent), a pass places evpart-sleep.6 on it (the only free host, its own
        // instance still UNREACHABLE and inactive), and only then is evpart-sleep.1 RUNNING again.
        var check = Replay([.. Before(),
            new AddAgent(30_000, Agent("a1")),
            new LaunchTasks(30_100, [new("evpart-sleep.6", Instance(), "a1")]),
            new UpdateTaskStatus(30_200, "evpart-sleep.1", TaskState.Running, null, null, "its agent is back")]);
        Assert.Contains(check.Violations, v => v.Contains("app /evpart-sleep has 3 live instances, more than 2", StringComparison.Ordinal));
        Assert.Contains(check.Violations, v => v.Contains("evpart-sleep.1 on host-a1 breaks UNIQUE hostname", StringComparison.Ordinal));
    }

    [Fact]
    public void TheReturnInOneEntryPassesAndTheSamePlacementIsSkippedWhereItCommits()
    {
        var check = Replay([.. Before(),
            new AgentRegistration(30_000, Agent("a1"), new AgentReport(new HashSet<string> { "evpart-sleep.1" }, new HashSet<string> { "evpart-sleep.1" })),
            new LaunchTasks(30_100, [new("evpart-sleep.6", Instance(), "a1")])]);
        Assert.Empty(check.Violations);
        Assert.Equal(0, check.ExtraWindows);
    }

    [Fact]
    public void AReplacedInstanceThatReturnsWithItsAgentIsTheMeasuredWindowNotAViolation()
    {
        var check = Replay([.. Before(),
            new AddAgent(21_000, Agent("a3")),
            new LaunchTasks(21_100, [new("evpart-sleep.3", Instance(), "a3")]),
            new UpdateTaskStatus(21_200, "evpart-sleep.3", TaskState.Running, null, null, null),
            new AgentRegistration(30_000, Agent("a1"), new AgentReport(new HashSet<string> { "evpart-sleep.1" }, new HashSet<string> { "evpart-sleep.1" })),
            new UpdateTaskStatus(36_500, "evpart-sleep.3", TaskState.Killed, null, 15, "killed: scaling down to 2 instances")]);
        Assert.Empty(check.Violations);
        Assert.Equal(1, check.ExtraWindows);
        Assert.Equal(6_500, check.LongestExtraMs);
        Assert.Equal(("/evpart-sleep", "entry 10", "entry 11", 6_500L), Assert.Single(check.Windows));
        Assert.Empty(check.OpenWindows);
    }

    [Fact]
    public void AWindowEndsWhenItsAppIsRemoved()
    {
        var check = Replay([.. Before(),
            new AddAgent(21_000, Agent("a3")),
            new LaunchTasks(21_100, [new("evpart-sleep.3", Instance(), "a3")]),
            new UpdateTaskStatus(21_200, "evpart-sleep.3", TaskState.Running, null, null, null),
            new AgentRegistration(30_000, Agent("a1"), new AgentReport(new HashSet<string> { "evpart-sleep.1" }, new HashSet<string> { "evpart-sleep.1" }))]);
        Assert.Equal(("/evpart-sleep", "entry 10", 30_000L), Assert.Single(check.OpenWindows));
        check.Apply(new RemoveApp(31_000, App.Id), "entry 11");
        Assert.Empty(check.OpenWindows);
        Assert.Equal(("/evpart-sleep", "entry 10", "entry 11", 1_000L), Assert.Single(check.Windows));
    }
}
