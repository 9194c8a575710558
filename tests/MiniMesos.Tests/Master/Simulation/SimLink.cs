using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using MiniMesos.Net.Master;

namespace MiniMesos.Tests.Master.Simulation;

/// <summary>
/// In-memory fake of one agent's connection to one master incarnation: the master's <see cref="IAgentChannel"/>, and two
/// FIFO queues (TCP keeps order) whose messages arrive after a seeded delay. A lost message breaks the connection, as
/// a TCP connection is the only way a message gets lost; the simulation loop then tells both ends.
/// </summary>
internal sealed class SimLink(SimAgent agent, SimMaster master, int id, Func<long> now, Func<long> delay, Func<bool> lose) : IAgentChannel
{
    private readonly Queue<(long Due, SimMessage Message)> _toAgent = new();
    private readonly Queue<(long Due, SimMessage Message)> _toMaster = new();
    private long _lastToAgent;
    private long _lastToMaster;

    public SimAgent Agent => agent;
    public SimMaster Master => master;
    public int Incarnation { get; } = master.Incarnation;
    public int Id => id;
    public bool Broken { get; private set; }
    public string? Reason { get; private set; }

    public Task LaunchAsync(TaskRecord task, IReadOnlyList<HealthCheckSpec>? healthChecks, CancellationToken cancellationToken) =>
        ToAgent(new SimMessage.Launch(task.Id));

    public Task KillAsync(string taskId, TimeSpan gracePeriod, CancellationToken cancellationToken) => ToAgent(new SimMessage.Kill(taskId));

    public Task<LogChunk> ReadLogAsync(string taskId, string stream, long offset, int max, CancellationToken cancellationToken) =>
        Broken ? Task.FromException<LogChunk>(new IOException("the agent disconnected")) : Task.FromResult(new LogChunk([], offset));

    public void Disconnect() => Break("the master dropped the connection");

    public void Break(string reason)
    {
        if (Broken) return;
        Broken = true;
        Reason = reason;
    }

    public Task ToAgent(SimMessage message)
    {
        if (Broken) return Task.FromException(new IOException($"connection to agent {agent.Id} is closed"));
        if (lose())
        {
            Break($"lost {message}");
            return Task.FromException(new IOException($"connection to agent {agent.Id} broke while sending {message}"));
        }
        _lastToAgent = Math.Max(_lastToAgent, now() + delay());
        _toAgent.Enqueue((_lastToAgent, message));
        return Task.CompletedTask;
    }

    public void ToMaster(SimMessage message)
    {
        if (Broken) return;
        if (lose())
        {
            Break($"lost {message}");
            return;
        }
        _lastToMaster = Math.Max(_lastToMaster, now() + delay());
        _toMaster.Enqueue((_lastToMaster, message));
    }

    public bool TryReceiveAtAgent(out SimMessage message) => TryTake(_toAgent, out message);

    public bool TryReceiveAtMaster(out SimMessage message) => TryTake(_toMaster, out message);

    private bool TryTake(Queue<(long Due, SimMessage Message)> queue, out SimMessage message)
    {
        if (!Broken && queue.TryPeek(out var head) && head.Due <= now())
        {
            queue.Dequeue();
            message = head.Message;
            return true;
        }
        message = null!;
        return false;
    }

    public override string ToString() => $"link#{id} {agent.Id}<->m{master.Index}.{Incarnation}";
}
