using MiniMesos.Core.Model;

namespace MiniMesos.Net.Master;

/// <summary>What the master needs from a connected agent; the wire session implements it.</summary>
internal interface IAgentChannel
{
    /// <summary>Sends the task to the agent; an app instance carries its app's health checks (null: none).</summary>
    Task LaunchAsync(TaskRecord task, IReadOnlyList<Core.Frameworks.Apps.HealthCheckSpec>? healthChecks, CancellationToken cancellationToken);

    Task KillAsync(string taskId, TimeSpan gracePeriod, CancellationToken cancellationToken);

    /// <summary>Reads up to <paramref name="max"/> bytes of a task's stdout or stderr from <paramref name="offset"/>.</summary>
    Task<LogChunk> ReadLogAsync(string taskId, string stream, long offset, int max, CancellationToken cancellationToken);

    /// <summary>Closes the connection so the agent goes looking for the leader.</summary>
    void Disconnect();

    /// <summary>Sends the routing mesh's service table (or its changes); an agent that does not know the message ignores it.</summary>
    Task PushServicesAsync(Protocol.ServiceTableUpdate update, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The IP address the agent's connection comes from (how other agents reach its instances); null: use its hostname.</summary>
    string? Address => null;

    /// <summary>The agent's minimesos version as its handshake said ("" when it did not: an older agent, or a test fake).</summary>
    string Build => "";

    /// <summary>The users the agent runs tasks as, as it registered (null: it did not say, an older agent or a test fake).</summary>
    IReadOnlyList<string>? AllowedUsers => null;
}

/// <summary>A piece of a task's output file; empty when nothing new has been written yet.</summary>
internal sealed record LogChunk(byte[] Data, long Offset);
