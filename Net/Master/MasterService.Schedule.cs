using Microsoft.Extensions.Logging;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;

namespace MiniMesos.Net.Master;

/// <summary>
/// One-shot tasks (what `minimesos run` and POST /v1/tasks submit) are placed by the built-in one-shot tasks framework
/// (<see cref="TasksFrameworkId"/>) on the offers DRF gives it, like the jobs framework's attempts: a pass takes a round,
/// places the waiting tasks first-fit within its offers (constraints honoured), accepts through the allocator's
/// checks, gives back the rest and commits each assignment before telling the agent to launch.
/// </summary>
internal sealed partial class MasterService
{
    /// <summary>One placement pass at a time.</summary>
    private async Task ScheduleAsync(CancellationToken cancellationToken)
    {
        await _scheduling.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            bool waiting;
            waiting = ReadView.Tasks.Values.Any(t => t.AgentId is null && t.State == TaskState.Staging);
            if (!waiting) return;
            var held = await BuiltInOffersAsync(TasksFrameworkId, revive: true).ConfigureAwait(false);
            List<(string TaskId, string AgentId)> accepted;
            bool wake;
            var state = ReadView;
            lock (_gate)
            {
                var launches = OneShotLaunches(state, held);
                (accepted, wake) = AcceptOffersLocked(TasksFrameworkId, launches, held, wantsOffers: false, declineSeconds: 0);
            }
            if (wake) Changed();
            await AssignAcceptedAsync(accepted, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _scheduling.Release();
        }
    }

    /// <summary>First-fit within the offers held (the largest per agent), each task's ports the lowest left in its offer.</summary>
    private static List<(string OfferId, TaskLaunch Task, (string TaskId, string AgentId) Item)> OneShotLaunches(ClusterState state, IReadOnlyList<Offer> held)
    {
        var offerOn = held.GroupBy(o => o.AgentId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(o => o.Resources.Scalars.Cpus).ThenBy(o => o.Id, StringComparer.Ordinal).First(),
                StringComparer.Ordinal);
        var portsLeft = offerOn.Values.ToDictionary(o => o.Id, o => o.Resources.Ports, StringComparer.Ordinal);
        var launches = new List<(string, TaskLaunch, (string, string))>();
        foreach (var (taskId, agentId) in FirstFitPlacement.Place(state, offerOn.ToDictionary(kv => kv.Key, kv => kv.Value.Resources, StringComparer.Ordinal)))
        {
            var task = state.Tasks[taskId];
            var offer = offerOn[agentId];
            var ports = PortRanges.Of(portsLeft[offer.Id].Take(task.Spec.Ports) ?? []);
            portsLeft[offer.Id] = portsLeft[offer.Id].Subtract(ports);
            launches.Add((offer.Id, new TaskLaunch(taskId, new ResourceSet(task.Spec.Resources, ports)), (taskId, agentId)));
        }
        return launches;
    }

    /// <summary>Commits each accepted assignment, then tells the agent; one not committed gives its resources back.</summary>
    private async Task AssignAcceptedAsync(List<(string TaskId, string AgentId)> accepted, CancellationToken cancellationToken)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var (taskId, agentId) in accepted)
            {
                await ProposeAsync(new AssignTask(Now(), taskId, agentId), cancellationToken).ConfigureAwait(false);
                TaskRecord? task;
                IAgentChannel? channel;
                task = Read(s => s.Tasks.GetValueOrDefault(taskId));
                channel = _agents.Channel(agentId);
                if (task?.AgentId != agentId) continue;
                done.Add(taskId);
                if (channel is null) continue;
                logger.LogInformation("task {Task} placed on agent {Agent}", taskId, agentId);
                _ = LaunchAsync(task, channel);
            }
        }
        finally
        {
            lock (_gate)
                foreach (var (taskId, _) in accepted.Where(a => !done.Contains(a.TaskId))) _feed?.LaunchFailed(taskId);
        }
    }
}
