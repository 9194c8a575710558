namespace MiniMesos.Core.Allocation;

/// <summary>
/// The answer to an accept: either the launches to perform on <see cref="AgentId"/>, or a refusal whose
/// <see cref="Reason"/> names what is wrong (which offer, which task, which resource).
/// </summary>
internal sealed record AcceptResult(bool Accepted, string? Reason, string? AgentId, IReadOnlyList<TaskLaunch> Launches)
{
    public static AcceptResult Ok(string agentId, IReadOnlyList<TaskLaunch> launches) => new(true, null, agentId, launches);

    public static AcceptResult Refuse(string reason) => new(false, reason, null, []);
}
