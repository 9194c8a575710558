using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using static MiniMesos.Tests.Master.Simulation.Issue22History;
using Xunit;

namespace MiniMesos.Tests.Master.Simulation;

/// <summary>
/// The per-step checker (<see cref="CommittedStateInvariants"/>) on recorded histories: the one of issue 22 (an agent's
/// return committed in two entries with an apps pass in between) must fail it, the same return in one entry must not.
/// </summary>
public sealed class CommittedStateInvariantsTests
{
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
        var check = Replay([.. Before(), .. TwoEntryReturn()]);
        Assert.Contains(check.Violations, v => v.Contains("app /evpart-sleep has 3 live instances, more than 2", StringComparison.Ordinal));
        Assert.Contains(check.Violations, v => v.Contains("evpart-sleep.1 on host-a1 breaks UNIQUE hostname", StringComparison.Ordinal));
    }

    [Fact]
    public void TheReturnInOneEntryPassesAndTheSamePlacementIsSkippedWhereItCommits()
    {
        var check = Replay([.. Before(), .. OneEntryReturn()]);
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
            new AgentRegistration(30_000, Agent("a1"), A1Report()),
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
            new AgentRegistration(30_000, Agent("a1"), A1Report())]);
        Assert.Equal(("/evpart-sleep", "entry 10", 30_000L), Assert.Single(check.OpenWindows));
        check.Apply(new RemoveApp(31_000, App.Id), "entry 11");
        Assert.Empty(check.OpenWindows);
        Assert.Equal(("/evpart-sleep", "entry 10", "entry 11", 1_000L), Assert.Single(check.Windows));
    }
}
