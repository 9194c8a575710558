using MiniMesos.Core.Model;

namespace MiniMesos.Tests.Master.Simulation;

/// <summary>What travels on a <see cref="SimLink"/>: the agent protocol's messages the simulation needs.</summary>
internal abstract record SimMessage
{
    public sealed record Launch(string TaskId) : SimMessage;

    public sealed record Kill(string TaskId) : SimMessage;

    public sealed record Update(string UpdateId, string TaskId, TaskState State, int? ExitCode, int? Signal, string? Message = null) : SimMessage;

    public sealed record Ack(string UpdateId) : SimMessage;

    public sealed record Ping : SimMessage;
}
