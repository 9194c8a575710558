namespace MiniMesos.Net.Protocol;

// The Framework API messages on the cluster port (docs/protocol.md, "Framework API"): one family, like
// WireMessage.cs, after a handshake with role "framework".

/// <summary>Framework -> master, first message: FrameworkId empty for a new framework, set to re-subscribe.</summary>
internal sealed record FwSubscribe(string? FrameworkId, string Name, string Role, double FailoverTimeoutSeconds) : WireMessage
{
    public override string Type => "subscribe";
}

internal sealed record FwSubscribed(string FrameworkId, double HeartbeatIntervalSeconds) : WireMessage
{
    public override string Type => "subscribed";
}

/// <summary>One offer as sent to a framework: the agent's free resources; Ports as [begin, end] ranges.</summary>
internal sealed record FwOffer(string OfferId, string AgentId, string Hostname, IReadOnlyDictionary<string, string> Attributes,
    double Cpus, long Mem, long Disk, IReadOnlyList<(int Begin, int End)> Ports);

internal sealed record FwOffers(IReadOnlyList<FwOffer> Offers) : WireMessage
{
    public override string Type => "offers";
}

/// <summary>One task to launch out of accepted offers.</summary>
internal sealed record FwTaskInfo(string TaskId, string Name, IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string> Env,
    double Cpus, long Mem, long Disk, IReadOnlyList<int> Ports);

internal sealed record FwAccept(IReadOnlyList<string> OfferIds, IReadOnlyList<FwTaskInfo> Tasks, double? RefuseSeconds) : WireMessage
{
    public override string Type => "accept";
}

/// <summary>Master -> framework: the accept was refused as a whole; the offers are used up.</summary>
internal sealed record FwAcceptRefused(IReadOnlyList<string> OfferIds, string Reason) : WireMessage
{
    public override string Type => "accept_refused";
}

internal sealed record FwDecline(IReadOnlyList<string> OfferIds, double? RefuseSeconds) : WireMessage
{
    public override string Type => "decline";
}

internal sealed record FwRescind(string OfferId, string Reason) : WireMessage
{
    public override string Type => "rescind";
}

/// <summary>Master -> framework: a task's latest state. Uuid empty for reconcile answers, which need no acknowledgement.</summary>
internal sealed record FwUpdate(string Uuid, string TaskId, string State, string? AgentId, int? ExitCode, string? Message, int? Signal = null) : WireMessage
{
    public override string Type => "update";
}

internal sealed record FwAcknowledge(string Uuid, string TaskId) : WireMessage
{
    public override string Type => "acknowledge";
}

internal sealed record FwKill(string TaskId) : WireMessage
{
    public override string Type => "kill_task";
}

/// <summary>Empty TaskIds: every task of the framework.</summary>
internal sealed record FwReconcile(IReadOnlyList<string> TaskIds) : WireMessage
{
    public override string Type => "reconcile";
}

internal sealed record FwSuppress : WireMessage
{
    public override string Type => "suppress";
}

internal sealed record FwRevive : WireMessage
{
    public override string Type => "revive";
}

internal sealed record FwTeardown : WireMessage
{
    public override string Type => "teardown";
}

internal sealed record FwHeartbeat : WireMessage
{
    public override string Type => "heartbeat";
}

/// <summary>Master -> framework: a message was invalid or not allowed; Field names the field at fault (empty if none).</summary>
internal sealed record FwError(string MessageType, string Field, string Reason) : WireMessage
{
    public override string Type => "error";
}
