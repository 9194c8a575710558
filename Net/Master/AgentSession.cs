using System.Collections.Concurrent;
using MiniMesos.Core.Model;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Master;

/// <summary>The master's side of one agent connection: sends launches, kills and log reads to the agent.</summary>
internal sealed class AgentSession(PeerConnection connection) : IAgentChannel
{
    private static readonly TimeSpan LogReadTimeout = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<LogData>> _reads = new();
    private long _nextRequest;

    public Task LaunchAsync(TaskRecord task, IReadOnlyList<Core.Frameworks.Apps.HealthCheckSpec>? healthChecks, CancellationToken cancellationToken) =>
        connection.SendAsync(new LaunchTask(task.Id, task.Spec.Name, task.Spec.Argv, task.Spec.Env,
            task.Spec.Resources.Cpus, task.Spec.Resources.MemMb, task.Spec.User, task.Spec.Network,
            task.Spec.Rootfs, task.Spec.Binds, healthChecks), cancellationToken).AsTask();

    public Task KillAsync(string taskId, TimeSpan gracePeriod, CancellationToken cancellationToken) =>
        connection.SendAsync(new KillTask(taskId, (long)gracePeriod.TotalMilliseconds), cancellationToken).AsTask();

    public async Task<LogChunk> ReadLogAsync(string taskId, string stream, long offset, int max, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextRequest);
        var reply = new TaskCompletionSource<LogData>(TaskCreationOptions.RunContinuationsAsynchronously);
        _reads[id] = reply;
        try
        {
            await connection.SendAsync(new LogRead(id, taskId, stream, offset, max), cancellationToken).ConfigureAwait(false);
            var data = await reply.Task.WaitAsync(LogReadTimeout, cancellationToken).ConfigureAwait(false);
            if (data.Error is not null) throw new IOException($"agent could not read {stream} of task {taskId}: {data.Error}");
            return new LogChunk(data.Data, data.Offset);
        }
        finally
        {
            _reads.TryRemove(id, out _);
        }
    }

    /// <summary>Drops the connection (this master stopped leading): the agent reconnects to the new leader.</summary>
    public void Disconnect() => _ = connection.DisposeAsync().AsTask();

    /// <summary>Routes a log reply to the request waiting for it; late replies are dropped.</summary>
    public void Complete(LogData data)
    {
        if (_reads.TryRemove(data.RequestId, out var waiter)) waiter.TrySetResult(data);
    }

    /// <summary>Fails every outstanding request when the connection ends.</summary>
    public void Close()
    {
        foreach (var id in _reads.Keys)
        {
            if (_reads.TryRemove(id, out var waiter)) waiter.TrySetException(new IOException("the agent disconnected"));
        }
    }
}
