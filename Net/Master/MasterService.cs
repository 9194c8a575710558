using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;

namespace MiniMesos.Net.Master;

/// <summary>
/// The leading master's coordinator: applies commands to the cluster state, places waiting tasks on
/// connected agents and lets API callers wait for changes. One lock guards the state; messages to agents
/// are sent outside it.
/// </summary>
internal sealed class MasterService(TimeProvider time, ILogger logger)
{
    private readonly object _gate = new();
    private readonly ClusterState _state = new();
    private readonly Dictionary<string, IAgentChannel> _channels = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = NewSignal();

    public static readonly TimeSpan DefaultKillGrace = TimeSpan.FromSeconds(5);

    public TaskRecord Submit(TaskSpec spec)
    {
        var id = $"{spec.Name}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        TaskRecord task;
        lock (_gate)
        {
            _state.Apply(new SubmitTask(Now(), id, spec));
            task = _state.Tasks[id];
        }
        logger.LogInformation("task {Task} submitted: {Argv} ({Resources})", id, string.Join(' ', spec.Argv), spec.Resources);
        Changed();
        Schedule();
        return task;
    }

    public TaskRecord? Task(string id)
    {
        lock (_gate) return _state.Tasks.GetValueOrDefault(id);
    }

    public IReadOnlyList<TaskRecord> Tasks()
    {
        lock (_gate) return _state.Tasks.Values.OrderBy(t => t.SubmittedAtMs).ThenBy(t => t.Id, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<(AgentRecord Agent, Resources Free)> Agents()
    {
        lock (_gate) return _state.Agents.Values.OrderBy(a => a.Id, StringComparer.Ordinal).Select(a => (a, _state.Free(a.Id))).ToList();
    }

    public string? WhyWaiting(TaskRecord task)
    {
        if (task.AgentId is not null || task.State != TaskState.Staging) return null;
        lock (_gate) return FirstFitPlacement.WhyWaiting(_state, task);
    }

    /// <summary>Completes at the next state change (or when cancelled); callers re-read what they watch.</summary>
    public Task WaitForChangeAsync(CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate) signal = _changed.Task;
        return signal.WaitAsync(cancellationToken);
    }

    public void AgentConnected(AgentRecord agent, IAgentChannel channel)
    {
        lock (_gate)
        {
            _state.Apply(new AddAgent(Now(), agent with { RegisteredAtMs = Now() }));
            _channels[agent.Id] = channel;
        }
        logger.LogInformation("agent {Agent} registered from {Host}: {Resources}", agent.Id, agent.Hostname, agent.Total);
        Changed();
        Schedule();
    }

    /// <summary>The walking skeleton forgets a disconnected agent at once and marks its tasks LOST.</summary>
    public void AgentDisconnected(string agentId, IAgentChannel channel, string reason)
    {
        lock (_gate)
        {
            if (!_channels.TryGetValue(agentId, out var current) || current != channel) return;
            _channels.Remove(agentId);
            _state.Apply(new RemoveAgent(Now(), agentId, $"agent {agentId} disconnected: {reason}"));
        }
        logger.LogWarning("agent {Agent} disconnected: {Reason}", agentId, reason);
        Changed();
    }

    /// <summary>Applies a status update from the agent that runs the task; false when it does not apply.</summary>
    public bool StatusUpdate(string agentId, string taskId, TaskState state, int? exitCode, int? signal, string? message)
    {
        bool applied;
        lock (_gate)
        {
            applied = _state.Tasks.TryGetValue(taskId, out var task) && task.AgentId == agentId
                && _state.Apply(new UpdateTaskStatus(Now(), taskId, state, exitCode, signal, message));
        }
        if (!applied) return false;
        logger.LogInformation("task {Task} is {State}{Detail}", taskId, state.ToWire(),
            exitCode is { } c ? $" (exit code {c})" : signal is { } s ? $" (signal {s})" : "");
        Changed();
        if (state.IsTerminal()) Schedule();
        return true;
    }

    /// <summary>Kills a task: a waiting one at once, a running one through its agent. False if unknown or already ended.</summary>
    public async Task<bool> KillAsync(string taskId, CancellationToken cancellationToken)
    {
        IAgentChannel? channel = null;
        lock (_gate)
        {
            if (!_state.Tasks.TryGetValue(taskId, out var task) || task.State.IsTerminal()) return false;
            if (task.AgentId is null)
            {
                _state.Apply(new UpdateTaskStatus(Now(), taskId, TaskState.Killed, null, null, "killed before it was launched"));
            }
            else
            {
                channel = _channels.GetValueOrDefault(task.AgentId);
            }
        }
        if (channel is null)
        {
            Changed();
            return true;
        }
        await channel.KillAsync(taskId, DefaultKillGrace, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<LogChunk?> ReadLogAsync(string taskId, string stream, long offset, int max, CancellationToken cancellationToken)
    {
        IAgentChannel? channel;
        lock (_gate)
        {
            if (!_state.Tasks.TryGetValue(taskId, out var task) || task.AgentId is null) return null;
            channel = _channels.GetValueOrDefault(task.AgentId);
        }
        return channel is null ? null : await channel.ReadLogAsync(taskId, stream, offset, max, cancellationToken).ConfigureAwait(false);
    }

    private void Schedule()
    {
        var launches = new List<(TaskRecord, IAgentChannel)>();
        lock (_gate)
        {
            foreach (var (taskId, agentId) in FirstFitPlacement.Place(_state))
            {
                if (_state.Apply(new AssignTask(Now(), taskId, agentId)))
                    launches.Add((_state.Tasks[taskId], _channels[agentId]));
            }
        }
        foreach (var (task, channel) in launches)
        {
            logger.LogInformation("task {Task} placed on agent {Agent}", task.Id, task.AgentId);
            _ = LaunchAsync(task, channel);
        }
        if (launches.Count > 0) Changed();
    }

    private async Task LaunchAsync(TaskRecord task, IAgentChannel channel)
    {
        try
        {
            await channel.LaunchAsync(task, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The agent's disconnect marks the task LOST; nothing more to do here.
            logger.LogWarning("could not send task {Task} to agent {Agent}: {Error}", task.Id, task.AgentId, e.Message);
        }
    }

    private void Changed()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _changed;
            _changed = NewSignal();
        }
        previous.TrySetResult();
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
