using Microsoft.Extensions.Logging;
using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;

namespace MiniMesos.Net.Master;

/// <summary>The jobs framework's replicated part: job specs and their run states, committed through the log.</summary>
internal sealed partial class MasterService
{
    public IReadOnlyList<(JobSpec Spec, JobState State)> Jobs()
    {
        return ReadView.Jobs.Values.OrderBy(j => j.Spec.Id, StringComparer.Ordinal).ToList();
    }

    public (JobSpec Spec, JobState State)? Job(string id)
    {
        return Read<(JobSpec, JobState)?>(s => s.Jobs.TryGetValue(id, out var job) ? job : null);
    }

    /// <summary>
    /// The job whose attempt in flight will run as task <paramref name="taskId"/> once an offer takes it, while
    /// no such task exists yet; null otherwise. A job's view names the attempt's task id before it is launched.
    /// </summary>
    public string? JobAwaitingLaunch(string taskId)
    {
        var view = ReadView;
        if (view.Tasks.ContainsKey(taskId)) return null;
        foreach (var (spec, state) in view.Jobs.Values)
            if (state.Current is { State: JobRunState.Active } run && run.TaskId == taskId) return spec.Id;
        return null;
    }

    /// <summary>Commits a job spec (validated by the caller); a replaced job keeps its run state and history.</summary>
    public async Task PutJobAsync(JobSpec job, CancellationToken cancellationToken)
    {
        await ProposeAsync(new PutJob(Now(), job), cancellationToken).ConfigureAwait(false);
        logger.LogInformation("job {Job} saved ({Schedule})", job.Id, job.Schedule ?? "one-shot");
    }

    public async Task<bool> RemoveJobAsync(string id, CancellationToken cancellationToken)
    {
        if (Job(id) is null) return false;
        await ProposeAsync(new RemoveJob(Now(), id), cancellationToken).ConfigureAwait(false);
        logger.LogInformation("job {Job} removed", id);
        return true;
    }

    /// <summary>Commits a job's run state as the jobs loop decided it; false when the job is gone by then.</summary>
    public async Task<bool> PutJobStateAsync(JobState state, CancellationToken cancellationToken)
    {
        await ProposeAsync(new PutJobState(Now(), state), cancellationToken).ConfigureAwait(false);
        return Read(s => s.Jobs.ContainsKey(state.JobId));
    }

    /// <summary>What the jobs loop decides from, one view: jobs, tasks by id, connected agents with their free resources.</summary>
    public (IReadOnlyList<(JobSpec Spec, JobState State)> Jobs, IReadOnlyDictionary<string, TaskRecord> Tasks,
        IReadOnlyList<(AgentRecord Agent, Resources Free)> Connected) JobsView()
    {
        var state = ReadView;
        var connected = ConnectedAgentIds();
        return (state.Jobs.Values.ToList(), state.Tasks,
            state.Agents.Values.Where(a => connected.Contains(a.Id)).OrderBy(a => a.Id, StringComparer.Ordinal)
                .Select(a => (a, state.Free(a.Id))).ToList());
    }
}
