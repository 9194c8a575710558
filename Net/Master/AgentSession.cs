using System.Collections.Concurrent;
using MiniMesos.Core.Model;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Wire;

namespace MiniMesos.Net.Master;

/// <summary>
/// The master's side of one agent connection: sends launches, kills and log reads to the agent. Nothing is sent
/// before <see cref="Open"/> (the agent's first message must be 'registered'), and a failed send closes the
/// connection, so a broken session never lingers among the connected agents.
/// </summary>
internal sealed class AgentSession(PeerConnection connection) : IAgentChannel
{
    private static readonly TimeSpan LogReadTimeout = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<LogData>> _reads = new();
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextRequest;

    public string Build => connection.Peer.Build;

    public IReadOnlyList<string>? AllowedUsers { get; init; }

    public string? Address => System.Net.IPEndPoint.TryParse(connection.Remote, out var remote) ? remote.Address.ToString() : null;

    public Task PushServicesAsync(ServiceTableUpdate update, CancellationToken cancellationToken) => SendAsync(update, cancellationToken);

    public Task LaunchAsync(TaskRecord task, IReadOnlyList<Core.Frameworks.Apps.HealthCheckSpec>? healthChecks, CancellationToken cancellationToken) =>
        SendAsync(new LaunchTask(task.Id, task.Spec.Name, task.Spec.Argv, LaunchEnv(task.Spec),
            task.Spec.Resources.Cpus, task.Spec.Resources.MemMb, task.Spec.User, task.Spec.Network,
            task.Spec.Rootfs, task.Spec.Binds, healthChecks, task.Spec.Fetch, task.Spec.Image), cancellationToken);

    /// <summary>Only an app's instance may ask its agent for an mDNS announcement: the variable is dropped from other tasks.</summary>
    private static IReadOnlyDictionary<string, string> LaunchEnv(TaskSpec spec) =>
        spec.AppId is null && spec.Env.ContainsKey(Core.Dns.DnsSdServiceType.EnvVariable)
            ? spec.Env.Where(kv => kv.Key != Core.Dns.DnsSdServiceType.EnvVariable).ToDictionary(StringComparer.Ordinal)
            : spec.Env;

    public Task KillAsync(string taskId, TimeSpan gracePeriod, CancellationToken cancellationToken) =>
        SendAsync(new KillTask(taskId, (long)gracePeriod.TotalMilliseconds), cancellationToken);

    public async Task<LogChunk> ReadLogAsync(string taskId, string stream, long offset, int max, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextRequest);
        var reply = new TaskCompletionSource<LogData>(TaskCreationOptions.RunContinuationsAsynchronously);
        _reads[id] = reply;
        try
        {
            await SendAsync(new LogRead(id, taskId, stream, offset, max), cancellationToken).ConfigureAwait(false);
            var data = await reply.Task.WaitAsync(LogReadTimeout, cancellationToken).ConfigureAwait(false);
            if (data.Error is not null) throw new IOException($"agent could not read {stream} of task {taskId}: {data.Error}");
            return new LogChunk(data.Data, data.Offset);
        }
        finally
        {
            _reads.TryRemove(id, out _);
        }
    }

    /// <summary>The agent has been sent 'registered': requests may go out now (those already waiting go first).</summary>
    public void Open() => _open.TrySetResult();

    /// <summary>Drops the connection (this master stopped leading): the agent reconnects to the new leader.</summary>
    public void Disconnect() => _ = connection.DisposeAsync().AsTask();

    /// <summary>Routes a log reply to the request waiting for it; late replies are dropped.</summary>
    public void Complete(LogData data)
    {
        if (_reads.TryRemove(data.RequestId, out var waiter)) waiter.TrySetResult(data);
    }

    /// <summary>Fails every outstanding request (and every one still waiting for <see cref="Open"/>) when the connection ends.</summary>
    public void Close()
    {
        _open.TrySetException(new IOException("the agent disconnected before it was registered"));
        foreach (var id in _reads.Keys)
        {
            if (_reads.TryRemove(id, out var waiter)) waiter.TrySetException(new IOException("the agent disconnected"));
        }
    }

    private async Task SendAsync(WireMessage message, CancellationToken cancellationToken)
    {
        await _open.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WireException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // A failed or cancelled write leaves the connection broken for every later send: close it, so the receive
            // loop ends, the agent leaves the connected set and reconnects (its tasks carry on meanwhile).
            Disconnect();
            throw;
        }
    }
}
