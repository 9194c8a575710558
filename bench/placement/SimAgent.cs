using System.Diagnostics;
using System.Threading.Channels;
using MiniMesos.Core.Model;
using MiniMesos.Net.Master;

namespace MiniMesos.Bench;

/// <summary>
/// An in-process agent: registered through <see cref="MasterService.AgentConnectedAsync"/> like a real one, it answers
/// every launch with STARTING then RUNNING through <see cref="MasterService.StatusUpdateAsync"/> (each committed through
/// Raft before the next, as the agent session acknowledges one update after the other) and a kill with KILLED.
/// Launches of tasks named "baseline*" are only counted, not answered.
/// </summary>
internal sealed class SimAgent(string id, MasterService master, PlacementCounters counters) : IAgentChannel
{
    private readonly Channel<(string TaskId, TaskState State)> _updates = Channel.CreateUnbounded<(string, TaskState)>(new UnboundedChannelOptions { SingleReader = true });

    public string Id => id;

    public Task LaunchAsync(TaskRecord task, IReadOnlyList<Core.Frameworks.Apps.HealthCheckSpec>? healthChecks, CancellationToken cancellationToken)
    {
        counters.Placed(Stopwatch.GetTimestamp());
        if (!task.Spec.Name.StartsWith("baseline", StringComparison.Ordinal))
        {
            _updates.Writer.TryWrite((task.Id, TaskState.Starting));
            _updates.Writer.TryWrite((task.Id, TaskState.Running));
        }
        return Task.CompletedTask;
    }

    public Task KillAsync(string taskId, TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        _updates.Writer.TryWrite((taskId, TaskState.Killed));
        return Task.CompletedTask;
    }

    public Task<LogChunk> ReadLogAsync(string taskId, string stream, long offset, int max, CancellationToken cancellationToken) =>
        Task.FromResult(new LogChunk([], offset));

    public void Disconnect() => _updates.Writer.TryComplete();

    /// <summary>Sends the queued status updates one at a time, each after the previous one committed.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var (taskId, state) in _updates.Reader.ReadAllAsync(cancellationToken))
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                if (await master.StatusUpdateAsync(id, taskId, state, null, null, null, cancellationToken) && state == TaskState.Running)
                    counters.Running(Stopwatch.GetTimestamp());
                counters.Update(Stopwatch.GetElapsedTime(start));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A real agent keeps the update and resends it to whichever master leads; here the run reports it.
                counters.Failed(e);
            }
        }
    }
}
