using MiniMesos.Core.Model;

namespace MiniMesos.Core.State;

/// <summary>
/// A change to the cluster state. Every change is one of these so that the same commands can later be
/// replicated through the Raft log and applied deterministically on every master.
/// </summary>
internal abstract record ClusterCommand(long AtMs)
{
    /// <summary>The feature level a master needs to read this command (<see cref="FeatureGate"/>).</summary>
    public virtual int RequiredLevel => FeatureGate.Baseline;
}

/// <summary>An agent registers without reporting its tasks (an older agent): its tasks stay as they are.</summary>
internal sealed record AddAgent(long AtMs, AgentRecord Agent) : ClusterCommand(AtMs);

/// <summary>
/// An agent registers (or returns) with the report of its tasks: in the same step, its unreachable tasks that it still
/// runs are RUNNING again and those it lost are LOST (<see cref="AgentHealthPolicy.Resume"/>), so no state has the agent
/// taking tasks while its own instances are still counted as away.
/// </summary>
internal sealed record AgentRegistration(long AtMs, AgentRecord Agent, AgentReport Report) : ClusterCommand(AtMs)
{
    public override int RequiredLevel => FeatureGate.AppChecks;
}

internal sealed record RemoveAgent(long AtMs, string AgentId, string Reason) : ClusterCommand(AtMs);

internal sealed record SubmitTask(long AtMs, string TaskId, TaskSpec Spec) : ClusterCommand(AtMs)
{
    /// <summary>A task with fetch URIs or run from an image needs level 4.</summary>
    public override int RequiredLevel => Spec.Fetch is not null || Spec.Image is not null ? FeatureGate.Fetch : FeatureGate.Baseline;
}

internal sealed record AssignTask(long AtMs, string TaskId, string AgentId) : ClusterCommand(AtMs);

internal sealed record UpdateTaskStatus(
    long AtMs, string TaskId, TaskState State, int? ExitCode, int? Signal, string? Message) : ClusterCommand(AtMs);

/// <summary>
/// Creates or replaces an app; the spec carries the version the master stamped on it. <see cref="KeepVersion"/> keeps
/// the replaced config version in the app's history (level 4; ClusterState.AppVersions).
/// </summary>
internal sealed record PutApp(long AtMs, Frameworks.Apps.AppSpec App, bool KeepVersion = false) : ClusterCommand(AtMs)
{
    /// <summary>Fields older masters cannot read: ScaledAt, unreachableStrategy, killSelection need level 3; fetch, the history and service ports level 4, as does a container.</summary>
    public override int RequiredLevel =>
        App.Fetch is not null || KeepVersion || App.ServicePorts is { Count: > 0 } || App.RequirePorts || App.Container is not null ? FeatureGate.Fetch
        : App.ScaledAt.Length > 0 || App.UnreachableStrategy is not null || App.KillSelection != Frameworks.Apps.KillSelection.YoungestFirst
            ? FeatureGate.AppChecks : FeatureGate.Baseline;
}

/// <summary>Removes an app; the leader's apps loop then kills its instances.</summary>
internal sealed record RemoveApp(long AtMs, string AppId) : ClusterCommand(AtMs);

/// <summary>An external framework subscribed (or re-subscribed with new settings).</summary>
internal sealed record RegisterFramework(long AtMs, FrameworkRecord Framework) : ClusterCommand(AtMs);

/// <summary>An external framework tore down or stayed away past its failover timeout; the leader kills its tasks.</summary>
internal sealed record RemoveFramework(long AtMs, string FrameworkId, string Reason) : ClusterCommand(AtMs);

/// <summary>Links a task (submitted just before) to the external framework that launched it.</summary>
internal sealed record LinkTask(long AtMs, string TaskId, string FrameworkId) : ClusterCommand(AtMs);

/// <summary>The agent has been silent past the unreachable timeout: its live tasks become TASK_UNREACHABLE.</summary>
internal sealed record MarkAgentUnreachable(long AtMs, string AgentId, string Reason) : ClusterCommand(AtMs);

/// <summary>Starts (Draining) or ends draining an agent; a draining agent gets no new tasks and its tasks are killed with GraceMs.</summary>
internal sealed record SetAgentDrain(long AtMs, string AgentId, bool Draining, long GraceMs) : ClusterCommand(AtMs);

/// <summary>The agent stayed unreachable past the gone timeout: it is removed and its tasks become TASK_GONE.</summary>
internal sealed record RemoveAgentGone(long AtMs, string AgentId, string Reason) : ClusterCommand(AtMs);

/// <summary>Creates or replaces a job's spec; a new job starts with an empty run state, a replaced one keeps it.</summary>
internal sealed record PutJob(long AtMs, Frameworks.Jobs.JobSpec Job) : ClusterCommand(AtMs);

/// <summary>Removes a job and its run history.</summary>
internal sealed record RemoveJob(long AtMs, string JobId) : ClusterCommand(AtMs);

/// <summary>
/// Records a job's run state as the leader's jobs loop decided it (a run started, an attempt ended, a retry is
/// due): committed BEFORE the attempt's task is launched, so a new leader knows which attempt is in flight.
/// </summary>
internal sealed record PutJobState(long AtMs, Frameworks.Jobs.JobState State) : ClusterCommand(AtMs);

/// <summary>Sets a role's weight for the offer allocator's fairness between roles (1 is the default).</summary>
internal sealed record PutRoleWeight(long AtMs, string Role, double Weight) : ClusterCommand(AtMs);

/// <summary>
/// Several placed tasks in one log entry (what SubmitTask, LinkTask and AssignTask do for one). Applying it checks
/// each launch against the state as applied (see ClusterState.Launches) and skips one that no longer fits, the same
/// way on every master.
/// </summary>
/// <remarks>
/// <see cref="JudgeApps"/> adds the app checks (instance count, constraints) to that judgement; masters before
/// <see cref="FeatureGate.AppChecks"/> do not make them, so the leader asks for them only once every master does, and
/// the entry is then written in a form older masters refuse to read rather than apply differently.
/// </remarks>
internal sealed record LaunchTasks(long AtMs, IReadOnlyList<PlacedLaunch> Launches, bool JudgeApps = true) : ClusterCommand(AtMs)
{
    public override int RequiredLevel =>
        Launches.Any(l => l.Spec.Fetch is not null || l.Spec.Image is not null) ? FeatureGate.Fetch : JudgeApps ? FeatureGate.AppChecks : FeatureGate.Baseline;
}

/// <summary>Several agents' status updates committed in one log entry, applied one after the other as UpdateTaskStatus would be.</summary>
internal sealed record UpdateTaskStatuses(long AtMs, IReadOnlyList<UpdateTaskStatus> Updates) : ClusterCommand(AtMs);

/// <summary>
/// Replaces the whole replicated state with a restored backup's (the state-snapshot encoding, opaque here): applied
/// by the master, not by <see cref="ClusterState.Apply"/>, which refuses it like any command it does not know.
/// </summary>
internal sealed record ReplaceState(long AtMs, byte[] State) : ClusterCommand(AtMs)
{
    public override int RequiredLevel => FeatureGate.Restore;
}

/// <summary>The cluster CA, created once by the first leader (docs/protocol.md, "TLS").</summary>
internal sealed record SetClusterCa(long AtMs, ClusterCaRecord Ca) : ClusterCommand(AtMs)
{
    public override int RequiredLevel => FeatureGate.Tls;
}

/// <summary>
/// A new agent secret (`minimesos token rotate --agent`), sealed under a key derived from the admin secret like the CA's
/// key (docs/protocol.md, "Role-scoped tokens"): the log never holds it in clear. The latest one committed is the one.
/// </summary>
internal sealed record SetAgentSecret(long AtMs, byte[] Sealed) : ClusterCommand(AtMs)
{
    public override int RequiredLevel => FeatureGate.RoleTokens;
}

/// <summary>
/// A new admin secret (`minimesos token rotate --admin`): the rotation record (the new secret sealed under the old one)
/// and, re-sealed under the new one, the CA's key and the agent secret (the derived one pinned, so agent tokens do not
/// change). docs/protocol.md, "Rotating the admin secret".
/// </summary>
internal sealed record SetAdminSecret(long AtMs, AdminRotationRecord Rotation, byte[] CaSealedKey, byte[] SealedAgentSecret) : ClusterCommand(AtMs)
{
    public override int RequiredLevel => FeatureGate.AdminRotation;
}
