using MiniMesos.Core.Allocation;
using MiniMesos.Core.Fetch;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Images;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;

namespace MiniMesos.Tests.Protocol;

/// <summary>
/// One sample of every replicated command in every layout it is written in (the oldest first), and states that make
/// each snapshot format: the inputs of the golden vectors (<see cref="CodecGoldenTests"/>) and of the round trips.
/// </summary>
internal static class CodecSamples
{
    private static readonly Dictionary<string, string> Env = new() { ["K"] = "V", ["A"] = "1" };
    private static readonly Dictionary<string, string> Attributes = new() { ["rack"] = "r1" };

    public static readonly TaskSpec PlainTask = new("t", ["sh", "-c", "echo hi"], Env, new Resources(0.5, 64, 10));
    public static readonly TaskSpec AppTask = PlainTask with { AppId = "/web", AppVersion = "v1" };
    public static readonly TaskSpec IsolatedTask = PlainTask with { Ports = 2, User = "nobody", Network = "isolated", Rootfs = "/srv/root", Binds = new Dictionary<string, string> { ["/data"] = "/mnt/data" } };
    public static readonly TaskSpec ConstrainedTask = IsolatedTask with { Constraints = [["hostname", "UNIQUE"], ["rack", "LIKE", "r.*"]] };
    public static readonly TaskSpec FetchTask = PlainTask with { Fetch = [new FetchUri("https://example.com/a.tgz"), new FetchUri("http://h/b", false, true, true, "bin/b")] };
    public static readonly TaskSpec ImageTask = AppTask with { Image = new TaskImage("docker.io/library/alpine:3", ImageCommandStyle.Mesos, true, true) };

    public static readonly AgentRecord Agent = new("a1", "pi1", new Resources(4, 3800, 100), Attributes, 7);
    public static readonly AgentRecord AgentWithPorts = Agent with { Id = "a2", Ports = PortRanges.Parse("[31000-31999,40000-40010]") };

    public static readonly AppSpec PlainApp = new("/web", Cmd: "serve", Args: null, Env: Env, Cpus: 0.25, Mem: 64, Disk: 1, Ports: 1, Instances: 3,
        User: "www", Labels: new Dictionary<string, string> { ["MINIMESOS_VHOST"] = "web.local" }, Constraints: [["hostname", "UNIQUE"]],
        HealthChecks: [new HealthCheckSpec("HTTP", null, "/health", 0, 10, 5, 2, 3), new HealthCheckSpec("COMMAND", "true")],
        BackoffSeconds: 2, BackoffFactor: 1.5, MaxLaunchDelaySeconds: 60, UpgradeStrategy: new UpgradeStrategy(0.5, 0), Version: "2026-11-22T05:00:00.000Z");
    public static readonly AppSpec MinimalApp = new("/min", Args: ["sleep", "9"], Version: "v0");
    public static readonly AppSpec ScaledApp = PlainApp with { ScaledAt = "2026-11-23T00:00:00.000Z" };
    public static readonly AppSpec UnreachableApp = ScaledApp with { UnreachableStrategy = new UnreachableStrategy(30, 600), KillSelection = KillSelection.OldestFirst };
    public static readonly AppSpec DisabledUnreachableApp = PlainApp with { UnreachableStrategy = new UnreachableStrategy(0, 0, true) };
    public static readonly AppSpec FetchApp = PlainApp with { Fetch = [new FetchUri("https://example.com/app.tgz")] };
    public static readonly AppSpec PortsApp = PlainApp with { ServicePorts = [10000, 10001], RequirePorts = true };
    public static readonly AppSpec ContainerApp = PlainApp with { Container = new TaskImage("alpine:3") };

    public static readonly JobSpec PlainJob = new("nightly", "backup.sh", ["--all"], 0.5, 128, 0, "0 3 * * *", new RetryPolicy(2, 5, 2, 60), 10, 1234, Env);
    public static readonly JobSpec MinimalJob = new("once");
    public static readonly JobSpec IsolatedJob = PlainJob with { Id = "iso", User = "nobody", Network = "host", Rootfs = "/r", Binds = new Dictionary<string, string> { ["/a"] = "/b" } };
    public static readonly JobRun Run = new("nightly-1", "nightly", 2, 1000, JobRunState.RetryPending, 1100, 1200, 1300, "exit 1");
    public static readonly JobState JobRunState1 = new("nightly", Run, 999, [Run with { Attempt = 1, State = JobRunState.Failed }, new JobRun("nightly-0", "nightly", 1, 10, JobRunState.Succeeded)], 3);

    /// <summary>Every command, each layout an older master wrote or reads: name, command.</summary>
    public static readonly (string Name, ClusterCommand Command)[] Commands =
    [
        ("AddAgent", new AddAgent(1, Agent)),
        ("AddAgent.ports", new AddAgent(1, AgentWithPorts)),
        ("AgentRegistration", new AgentRegistration(2, AgentWithPorts, new AgentReport(new HashSet<string> { "t.2", "t.1" }, new HashSet<string> { "t.1" }))),
        ("AgentRegistration.noPorts", new AgentRegistration(2, Agent, new AgentReport(new HashSet<string>(), new HashSet<string>()))),
        ("RemoveAgent", new RemoveAgent(3, "a1", "timeout")),
        ("MarkAgentUnreachable", new MarkAgentUnreachable(4, "a1", "silent")),
        ("RemoveAgentGone", new RemoveAgentGone(5, "a1", "gone")),
        ("SetAgentDrain", new SetAgentDrain(6, "a1", true, 30_000)),
        ("SubmitTask", new SubmitTask(7, "t.1", PlainTask)),
        ("SubmitTask.app", new SubmitTask(7, "web.1", AppTask)),
        ("SubmitTask.isolated", new SubmitTask(7, "t.2", IsolatedTask)),
        ("SubmitTask.constraints", new SubmitTask(7, "t.3", ConstrainedTask)),
        ("SubmitTask.fetch", new SubmitTask(7, "t.4", FetchTask)),
        ("SubmitTask.image", new SubmitTask(7, "t.5", ImageTask)),
        ("AssignTask", new AssignTask(8, "t.1", "a1")),
        ("UpdateTaskStatus", new UpdateTaskStatus(9, "t.1", TaskState.Failed, 3, null, "exit 3")),
        ("UpdateTaskStatus.signal", new UpdateTaskStatus(9, "t.1", TaskState.Killed, null, 15, null)),
        ("UpdateTaskStatuses", new UpdateTaskStatuses(10, [new UpdateTaskStatus(10, "t.1", TaskState.Running, null, null, ""), new UpdateTaskStatus(10, "t.2", TaskState.Finished, 0, null, "done")])),
        ("PutApp", new PutApp(11, PlainApp)),
        ("PutApp.minimal", new PutApp(11, MinimalApp)),
        ("PutApp.scaled", new PutApp(11, ScaledApp)),
        ("PutApp.unreachable", new PutApp(11, UnreachableApp)),
        ("PutApp.disabledUnreachable", new PutApp(11, DisabledUnreachableApp)),
        ("PutApp.fetch", new PutApp(11, FetchApp)),
        ("PutApp.servicePorts", new PutApp(11, PortsApp)),
        ("PutApp.container", new PutApp(11, ContainerApp)),
        ("PutApp.keepVersion", new PutApp(11, PlainApp, KeepVersion: true)),
        ("RemoveApp", new RemoveApp(12, "/web")),
        ("RegisterFramework", new RegisterFramework(13, new FrameworkRecord("fw-1", "spark", "batch", 60.5, 13))),
        ("RemoveFramework", new RemoveFramework(14, "fw-1", "torn down")),
        ("LinkTask", new LinkTask(15, "t.1", "fw-1")),
        ("PutJob", new PutJob(16, PlainJob)),
        ("PutJob.minimal", new PutJob(16, MinimalJob)),
        ("PutJob.isolated", new PutJob(16, IsolatedJob)),
        ("RemoveJob", new RemoveJob(17, "nightly")),
        ("PutJobState", new PutJobState(18, JobRunState1)),
        ("PutJobState.empty", new PutJobState(18, new JobState("once"))),
        ("PutRoleWeight", new PutRoleWeight(19, "batch", 2.5)),
        ("LaunchTasks", new LaunchTasks(20, [new PlacedLaunch("t.1", PlainTask, "a1"), new PlacedLaunch("t.5", ImageTask, "a2", "fw-1")])),
        ("LaunchTasks.noJudge", new LaunchTasks(20, [new PlacedLaunch("web.1", AppTask, "a1")], JudgeApps: false)),
        ("ReplaceState", new ReplaceState(21, [4, 0x97, 0x90, 0x90, 0x90])),
        ("SetClusterCa", new SetClusterCa(22, new ClusterCaRecord([1, 2, 3], [4, 5]))),
        ("SetAgentSecret", new SetAgentSecret(23, [1, 2, 3])),
        ("SetAdminSecret", new SetAdminSecret(24, new AdminRotationRecord([1, 2, 3, 4, 5, 6, 7, 8], [8, 7, 6, 5, 4, 3, 2, 1], [9, 9], 24), [4, 5], [6])),
    ];

    /// <summary>A state with a record in every section older masters read (snapshot format 4).</summary>
    public static ClusterState Format4State()
    {
        var state = new ClusterState();
        Apply(state,
            new AddAgent(1, Agent),
            new AddAgent(1, AgentWithPorts),
            new PutApp(2, PlainApp),
            new PutApp(2, UnreachableApp with { Id = "/web2" }),
            new SubmitTask(3, "t.1", PlainTask),
            new SubmitTask(3, "web.1", AppTask),
            new SubmitTask(3, "t.2", ConstrainedTask),
            new SubmitTask(3, "t.5", ImageTask with { AppId = null, AppVersion = null }),
            new AssignTask(4, "t.1", "a1"),
            new UpdateTaskStatus(5, "t.1", TaskState.Failed, 3, null, "exit 3"),
            new RegisterFramework(6, new FrameworkRecord("fw-1", "spark", "batch", 60.5, 6)),
            new LinkTask(7, "t.2", "fw-1"),
            new MarkAgentUnreachable(8, "a1", "silent"),
            new SetAgentDrain(9, "a2", true, 30_000),
            new PutJob(10, PlainJob),
            new PutJobState(11, JobRunState1),
            new PutRoleWeight(12, "batch", 2.5));
        return state;
    }

    /// <summary>Format 5 with 9 sections (the CA, app history), 10 (the agent secret) or 11 (the admin rotation).</summary>
    public static ClusterState Format5State(int sections)
    {
        var state = Format4State();
        Apply(state, new SetClusterCa(13, new ClusterCaRecord([1, 2, 3], [4, 5])), new PutApp(14, PlainApp with { Version = "v2" }, KeepVersion: true));
        if (sections >= 10) Apply(state, new SetAgentSecret(15, [7, 7, 7]));
        if (sections >= 11) Apply(state, new SetAdminSecret(16, new AdminRotationRecord([1, 1], [2, 2], [3, 3], 16), [4, 5], [7, 7, 7]));
        return state;
    }

    /// <summary>Format 5's eleventh section without the tenth: an admin rotation, no agent secret (nil in its place).</summary>
    public static ClusterState Format5AdminOnlyState()
    {
        var state = new ClusterState();
        Apply(state, new AddAgent(1, Agent));
        state.RestoreAdminRotation(new AdminRotationRecord([1, 1], [2, 2], [3, 3], 2));
        return state;
    }

    private static void Apply(ClusterState state, params ClusterCommand[] commands)
    {
        foreach (var command in commands)
            if (!state.Apply(command)) throw new InvalidOperationException($"the sample state refused {command.GetType().Name}");
    }
}
