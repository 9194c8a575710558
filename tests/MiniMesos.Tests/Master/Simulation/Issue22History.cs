using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;

namespace MiniMesos.Tests.Master.Simulation;

/// <summary>
/// The recorded history of issue 22, shared by the checker's tests and the replay's: two agents, a 2-instance app with
/// <c>["hostname", "UNIQUE"]</c> running one instance on each, agent a1 cut past the unreachable timeout (its instance
/// inactive at once, no free host); then its return, the old way (two entries with a placement in between) or in one.
/// </summary>
internal static class Issue22History
{
    private static readonly Dictionary<string, string> NoAttributes = [];

    public static readonly AppSpec App = new("/evpart-sleep", Cmd: "sleep 1000", Cpus: 0.1, Mem: 16, Instances: 2,
        Constraints: [["hostname", "UNIQUE"]], Version: "v1", UnreachableStrategy: new UnreachableStrategy(0, 600));

    public static AgentRecord Agent(string id) => new(id, $"host-{id}", new Resources(2, 1024), NoAttributes, 0);

    public static TaskSpec Instance() => new("evpart-sleep", ["sleep", "1000"], NoAttributes, new Resources(0.1, 16), App.Id, App.Version);

    /// <summary>The report of a1 returning with evpart-sleep.1 still running.</summary>
    public static AgentReport A1Report() => new(new HashSet<string> { "evpart-sleep.1" }, new HashSet<string> { "evpart-sleep.1" });

    /// <summary>Up to the cut: six entries.</summary>
    public static List<ClusterCommand> Before() =>
    [
        new AddAgent(0, Agent("a1")),
        new AddAgent(0, Agent("a2")),
        new PutApp(1, App),
        new LaunchTasks(2, [new("evpart-sleep.1", Instance(), "a1"), new("evpart-sleep.2", Instance(), "a2")]),
        new UpdateTaskStatuses(3, [new(3, "evpart-sleep.1", TaskState.Running, null, null, null), new(3, "evpart-sleep.2", TaskState.Running, null, null, null)]),
        new MarkAgentUnreachable(20_000, "a1", "silent"),
    ];

    /// <summary>As seen in the issue: the agent is back (AddAgent), a pass places evpart-sleep.6 on it, and only then is evpart-sleep.1 RUNNING again.</summary>
    public static ClusterCommand[] TwoEntryReturn() =>
    [
        new AddAgent(30_000, Agent("a1")),
        new LaunchTasks(30_100, [new("evpart-sleep.6", Instance(), "a1")]),
        new UpdateTaskStatus(30_200, "evpart-sleep.1", TaskState.Running, null, null, "its agent is back"),
    ];

    /// <summary>The return and its tasks' state in one entry; the same placement then commits into a state where it is skipped.</summary>
    public static ClusterCommand[] OneEntryReturn() =>
    [
        new AgentRegistration(30_000, Agent("a1"), A1Report()),
        new LaunchTasks(30_100, [new("evpart-sleep.6", Instance(), "a1")]),
    ];
}
