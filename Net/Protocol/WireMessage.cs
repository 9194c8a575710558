namespace MiniMesos.Net.Protocol;

// The application messages on the cluster port, after the handshake (docs/protocol.md, "Messages").
// One family, like a discriminated union: each record is one message type, named by its "t" string.

internal abstract record WireMessage
{
    public abstract string Type { get; }
}

/// <summary>
/// Agent -> master, first message after the handshake. AgentId is empty on the agent's first start. Tasks (the
/// tasks whose end the master has not acknowledged) and Running (those whose process runs) let the master
/// reconcile a returning agent; an older agent sends neither (null). AllowedUsers: the users it runs tasks as (its
/// --allowed-users and its default user), so the master refuses an app whose user no agent allows (null: not said).
/// </summary>
internal sealed record RegisterAgent(
    string AgentId, string Hostname, double Cpus, long Mem, long Disk,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<string> IsolationMissing,
    Core.Allocation.PortRanges? Ports = null,
    IReadOnlyList<string>? Tasks = null, IReadOnlyList<string>? Running = null, IReadOnlyList<string>? AllowedUsers = null) : WireMessage
{
    public override string Type => "register";
}

/// <summary>Master -> agent: the id the agent must use from now on (kept across agent restarts).</summary>
internal sealed record AgentRegistered(string AgentId) : WireMessage
{
    public override string Type => "registered";
}

/// <summary>Master -> agent, instead of <see cref="AgentRegistered"/>: this master is not the leader; Leader is its cluster address or empty.</summary>
internal sealed record NotLeader(string Leader) : WireMessage
{
    public override string Type => "not_leader";
}

/// <summary>
/// Master -> agent: run a task; User null = the agent's default (nobody), Network null = host, Rootfs null = the host's /;
/// an app's instance carries its app's health checks for the agent to probe; Fetch what the agent downloads into the sandbox first
/// (an agent from before the fetcher ignores it: upgrade agents before submitting apps with fetch).
/// Image: run in that image (Argv is then what <see cref="Core.Model.TaskImage"/> says; on the wire it travels as image_args and argv is empty, so an agent that does
/// not know images fails the task for having no command instead of running it on its own root filesystem).
/// </summary>
internal sealed record LaunchTask(
    string TaskId, string Name, IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string> Env,
    double Cpus, long Mem, string? User = null, string? Network = null,
    string? Rootfs = null, IReadOnlyDictionary<string, string>? Binds = null,
    IReadOnlyList<Core.Frameworks.Apps.HealthCheckSpec>? HealthChecks = null,
    IReadOnlyList<Core.Fetch.FetchUri>? Fetch = null,
    Core.Model.TaskImage? Image = null) : WireMessage
{
    public override string Type => "launch";
}

/// <summary>Master -> agent: SIGTERM the task, then kill everything left after the grace period.</summary>
internal sealed record KillTask(string TaskId, long GraceMs) : WireMessage
{
    public override string Type => "kill";
}

/// <summary>Agent -> master: a task changed state. Resent until acknowledged with the same UpdateId.</summary>
internal sealed record StatusUpdate(
    string UpdateId, string TaskId, string State, int? ExitCode, int? Signal, string? Message) : WireMessage
{
    public override string Type => "status";
}

/// <summary>Master -> agent: the update was applied (or will never apply); stop resending it.</summary>
internal sealed record StatusAck(string UpdateId) : WireMessage
{
    public override string Type => "status_ack";
}

/// <summary>Master -> agent: read part of a task's stdout or stderr.</summary>
internal sealed record LogRead(long RequestId, string TaskId, string Stream, long Offset, int Max) : WireMessage
{
    public override string Type => "log_read";
}

/// <summary>Agent -> master: the answer to <see cref="LogRead"/>; Error set when the task or file is unknown.</summary>
internal sealed record LogData(long RequestId, byte[] Data, long Offset, string? Error) : WireMessage
{
    public override string Type => "log_data";
}

/// <summary>
/// Either side, to keep the connection alive and detect a dead peer; answered with <see cref="Pong"/>. An agent's ping
/// also carries the free and total space (MiB) of the filesystem holding its work dir (statvfs); an older agent, or one
/// that could not read it, sends neither.
/// </summary>
internal sealed record Ping(long Sequence, long? DiskFreeMb = null, long? DiskTotalMb = null) : WireMessage
{
    public override string Type => "ping";
}

internal sealed record Pong(long Sequence) : WireMessage
{
    public override string Type => "pong";
}

/// <summary>Master -> master after the handshake, and every few seconds: who I am and which masters I know (gossip).</summary>
internal sealed record MasterHello(string ClusterAddress, string ApiUrl, IReadOnlyList<string> Known) : WireMessage
{
    public override string Type => "master_hello";
}

/// <summary>Master -> master: one Raft message (docs/protocol.md, "Raft messages").</summary>
internal sealed record RaftEnvelope(Core.Raft.RaftMessage Message) : WireMessage
{
    public override string Type => "raft";
}

/// <summary>A message type this node does not know (a newer peer): logged and ignored.</summary>
internal sealed record UnknownMessage(string UnknownType) : WireMessage
{
    public override string Type => UnknownType;
}
