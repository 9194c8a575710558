using MiniMesos.Core.Model;
using MiniMesos.Net.Master;

namespace MiniMesos.Tests.Master;

/// <summary>In-memory fake of an agent's connection: records the tasks the master sends it.</summary>
internal sealed class RecordingAgentFake : IAgentChannel
{
    public List<string> Launched { get; } = [];

    public Task LaunchAsync(TaskRecord task, IReadOnlyList<Core.Frameworks.Apps.HealthCheckSpec>? healthChecks, CancellationToken cancellationToken)
    {
        lock (Launched) Launched.Add(task.Id);
        return Task.CompletedTask;
    }

    public Task KillAsync(string taskId, TimeSpan gracePeriod, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<LogChunk> ReadLogAsync(string taskId, string stream, long offset, int max, CancellationToken cancellationToken) =>
        Task.FromResult(new LogChunk([], offset));

    public void Disconnect()
    {
    }
}
