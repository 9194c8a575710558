using MiniMesos.Core.Frameworks.Apps;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// Agent -> master: the health of one instance's checks, sent when a probe changed it and, for every probed task,
/// after each (re)registration. Not acknowledged: the latest one wins and a reconnect resends it.
/// </summary>
internal sealed record HealthReport(TaskHealth Health) : WireMessage
{
    public override string Type => "health";
}
