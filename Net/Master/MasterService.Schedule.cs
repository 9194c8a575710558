using Microsoft.Extensions.Logging;
using MiniMesos.Core.Frameworks.Tasks;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;

namespace MiniMesos.Net.Master;

/// <summary>
/// The built-in one-shot tasks framework (<see cref="TasksFrameworkId"/>): one-shot tasks (what `minimesos run` and POST
/// /v1/tasks submit) and the jobs framework's attempts are its tasks. A pass takes a round, places what waits within its
/// offers (Core/Frameworks/Tasks for one-shot tasks, Core/Frameworks/Jobs for attempts), accepts through the allocator's
/// checks, gives back the rest and commits each assignment before telling the agent to launch. One pass at a time,
/// one-shot or jobs (<see cref="InTasksFrameworkPassAsync"/>): a pass gives back every offer the framework holds that it
/// did not use, so two at once would give back each other's.
/// </summary>
internal sealed partial class MasterService
{
    private readonly SemaphoreSlim _tasksFrameworkPass = new(1, 1);

    /// <summary>Runs <paramref name="pass"/> (which takes and gives back the tasks framework's offers) alone among such passes.</summary>
    public async Task<T> InTasksFrameworkPassAsync<T>(Func<Task<T>> pass, CancellationToken cancellationToken)
    {
        await _tasksFrameworkPass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await pass().ConfigureAwait(false);
        }
        finally
        {
            _tasksFrameworkPass.Release();
        }
    }

    /// <summary>A one-shot tasks pass, when some task waits.</summary>
    private async Task ScheduleAsync(CancellationToken cancellationToken)
    {
        if (!Read(HasWaitingTask)) return;
        await InTasksFrameworkPassAsync(() => ScheduleOneShotAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One placement pass at a time, and none while a launch batch commits (<see cref="LaunchBatchAsync"/>).</summary>
    private async Task<bool> ScheduleOneShotAsync(CancellationToken cancellationToken)
    {
        await _scheduling.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!Read(HasWaitingTask)) return false;
            var held = await BuiltInOffersAsync(TasksFrameworkId, revive: true).ConfigureAwait(false);
            List<(string TaskId, string AgentId)> accepted;
            bool wake;
            var state = ReadView;
            (accepted, wake) = _offers.AcceptBuiltIn(TasksFrameworkId, OneShotLaunches.Decide(state, held), held, wantsOffers: false, declineSeconds: 0);
            if (wake) Changed();
            await AssignAcceptedAsync(accepted, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _scheduling.Release();
        }
    }

    /// <summary>Whether some one-shot task waits (a scan on every submission and every task's end: no copy of the view for it).</summary>
    private static bool HasWaitingTask(ClusterState state) => state.Tasks.Values.Any(t => t.AgentId is null && t.State == TaskState.Staging);

    /// <summary>Commits each accepted assignment, then tells the agent; one not committed gives its resources back.</summary>
    private async Task AssignAcceptedAsync(List<(string TaskId, string AgentId)> accepted, CancellationToken cancellationToken)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var (taskId, agentId) in accepted)
            {
                await ProposeAsync(new AssignTask(Now(), taskId, agentId), cancellationToken).ConfigureAwait(false);
                var task = Read(s => s.Tasks.GetValueOrDefault(taskId));
                var channel = _agents.Channel(agentId);
                if (task?.AgentId != agentId) continue;
                done.Add(taskId);
                if (channel is null) continue;
                logger.LogInformation("task {Task} placed on agent {Agent}", taskId, agentId);
                _ = LaunchAsync(task, channel);
            }
        }
        finally
        {
            _offers.LaunchesFailed(accepted.Where(a => !done.Contains(a.TaskId)).Select(a => a.TaskId));
        }
    }
}
