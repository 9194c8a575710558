namespace MiniMesos.Core.State;

/// <summary>
/// How long an agent may be silent before it is unreachable (its tasks TASK_UNREACHABLE), and how long it may then
/// stay unreachable before it is removed (its tasks TASK_GONE).
/// </summary>
internal sealed record AgentTimeouts(TimeSpan Unreachable, TimeSpan Gone)
{
    public static readonly AgentTimeouts Default = new(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(10));
}
