using MiniMesos.Core.Model;
using MiniMesos.Core.State;

namespace MiniMesos.Tests.Master.Simulation;

/// <summary>
/// In-memory fake of an agent as AgentService and AgentConnector behave: a launch starts the task (a launch of a task
/// it already has is ignored), a kill ends it, every state change is a status update kept until acknowledged and
/// resent on every heartbeat and new connection, and registration reports the tasks whose end is not acknowledged.
/// </summary>
internal sealed class SimAgent(string id, Resources total)
{
    private int _nextUpdate;

    public string Id => id;
    public AgentRecord Record { get; } = new(id, $"host-{id}", total, new Dictionary<string, string>(), 0);

    /// <summary>Task id -> its state here; EndAcknowledged once the master acknowledged its terminal update.</summary>
    public SortedDictionary<string, (TaskState State, bool EndAcknowledged)> Sandboxes { get; } = new(StringComparer.Ordinal);

    public List<SimMessage.Update> Unacknowledged { get; } = [];

    public SimLink? Link { get; set; }

    public int Launched { get; private set; }

    /// <summary>Its network is cut until then: no connection, no reconnect.</summary>
    public long OfflineUntilMs { get; set; }

    public long ReconnectAtMs { get; set; }

    public IEnumerable<string> Running => Sandboxes.Where(s => s.Value.State == TaskState.Running).Select(s => s.Key);

    public AgentReport Report() => new(
        Sandboxes.Where(s => !s.Value.EndAcknowledged).Select(s => s.Key).ToHashSet(StringComparer.Ordinal),
        Running.ToHashSet(StringComparer.Ordinal));

    public void Receive(SimMessage message)
    {
        switch (message)
        {
            case SimMessage.Launch launch when !Sandboxes.ContainsKey(launch.TaskId):
                Launched++;
                Change(launch.TaskId, TaskState.Running, null, null);
                break;
            case SimMessage.Kill kill when Sandboxes.TryGetValue(kill.TaskId, out var task) && task.State == TaskState.Running:
                Change(kill.TaskId, TaskState.Killed, null, 15);
                break;
            case SimMessage.Ack ack:
                var acked = Unacknowledged.Find(u => u.UpdateId == ack.UpdateId);
                Unacknowledged.RemoveAll(u => u.UpdateId == ack.UpdateId);
                if (acked is not null && acked.State.IsTerminal()) Sandboxes[acked.TaskId] = (acked.State, true);
                break;
        }
    }

    /// <summary>The task's process exits on its own (an app instance crashing).</summary>
    public void Crash(string taskId) => Change(taskId, TaskState.Failed, 1, null);

    /// <summary>
    /// The host reboots: every running task is gone and reported TASK_LOST with the reason, as AgentService.Recover
    /// does for tasks it cannot find again; the connection breaks.
    /// </summary>
    public void Reboot()
    {
        Link?.Break($"{id} rebooted");
        foreach (var task in Running.ToList()) Change(task, TaskState.Lost, null, null, "the host rebooted while the task ran");
    }

    /// <summary>Sends every unacknowledged update on the current connection (heartbeat or new connection).</summary>
    public void ResendUpdates()
    {
        foreach (var update in Unacknowledged) Link?.ToMaster(update);
    }

    private void Change(string taskId, TaskState state, int? exitCode, int? signal, string? message = null)
    {
        Sandboxes[taskId] = (state, false);
        var update = new SimMessage.Update($"{id}-u{++_nextUpdate}", taskId, state, exitCode, signal, message);
        Unacknowledged.Add(update);
        Link?.ToMaster(update);
    }
}
