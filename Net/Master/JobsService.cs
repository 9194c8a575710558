using System.Globalization;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Frameworks;
using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Allocation;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Core.Timing;
using MiniMesos.Net.Raft;

namespace MiniMesos.Net.Master;

/// <summary>
/// The built-in jobs framework on the leader: on every state change (and at least once a second) it records the
/// end of attempts whose task ended (<see cref="JobScheduler.Complete"/>: success, retry with backoff or final
/// failure), asks <see cref="JobScheduler.Decide"/> whether a run is due, and launches the attempt in flight on an
/// offer of the allocator's (<see cref="MasterService.BuiltInOffersAsync"/>, as the tasks framework), through the master. Every run state is committed BEFORE its attempt's task is launched and the task id is
/// derived from the run ("{job}.{serial}.{attempt}"), so a new leader finds the attempt in flight and never
/// starts a run twice. Only the latest wait reasons live here, in memory.
/// </summary>
internal sealed class JobsService(MasterService master, Func<CancellationToken, Task> readBarrier, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private const long MinWaitMs = 50;

    private readonly SemaphoreSlim _pass = new(1, 1);
    private readonly object _gate = new();
    private Dictionary<string, JobDecision> _status = new(StringComparer.Ordinal);
    /// <summary>Pending retry (task id of the attempt to come) -> its deadline on this leader's monotonic clock.</summary>
    private readonly Dictionary<string, long> _retryDeadlines = new(StringComparer.Ordinal);
    private bool _primed;

    /// <summary>What the job waits for right now and when it next acts on its own (null: not known on this master).</summary>
    public JobDecision? Status(string jobId)
    {
        lock (_gate) return _status.GetValueOrDefault(jobId);
    }

    /// <summary>A second at most; less when a job's retry or scheduled run is due sooner.</summary>
    private TimeSpan UntilNextWake()
    {
        long? wake;
        lock (_gate) wake = _status.Values.Min(d => d.WakeAtMs);
        if (wake is not { } at) return Period;
        // Never less than a moment: a wake already past (a pass that failed) must not spin the loop.
        var wait = TimeSpan.FromMilliseconds(Math.Max(MinWaitMs, at - Now() + 1));
        return wait < Period ? wait : Period;
    }

    /// <summary>One of the master's leader services: runs for one term, whose first pass waits for a read barrier.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(false);
        _primed = false;
        _pass.Release();
        await FrameworkLoop.RunAsync("jobs", master, time, UntilNextWake, ReconcileAsync, logger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One pass over every job (leader only). A new leader first waits until it has applied all that was committed.</summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        if (!master.IsLeader)
        {
            _primed = false;
            return;
        }
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_primed)
            {
                await readBarrier(cancellationToken).ConfigureAwait(false);
                _primed = true;
            }
            var status = new Dictionary<string, JobDecision>(StringComparer.Ordinal);
            var jobs = master.JobsView().Jobs;
            var pending = jobs.Select(j => j.State.Current).Where(r => r is { State: JobRunState.RetryPending }).Select(r => r!.TaskId).ToHashSet(StringComparer.Ordinal);
            foreach (var stale in _retryDeadlines.Keys.Where(k => !pending.Contains(k)).ToList()) _retryDeadlines.Remove(stale);
            foreach (var (spec, state) in jobs)
            {
                var decision = await ReconcileJobAsync(spec, state, cancellationToken).ConfigureAwait(false);
                status[spec.Id] = decision;
                lock (_gate) _status[spec.Id] = decision; // at once: readers should not see a new run state with an old reason for long
            }
            lock (_gate) _status = status;
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <summary>Starts a run of the job now, outside its schedule; null when the job is unknown or a run is active or waits to retry.</summary>
    public async Task<JobState?> RunNowAsync(string jobId, CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (master.Job(jobId) is not { } job) return null;
            var (spec, state) = job;
            var started = JobScheduler.RunNow(spec, state, Now());
            if (started is null || !await master.PutJobStateAsync(started, cancellationToken).ConfigureAwait(false)) return null;
            logger.LogInformation("job {Job}: run {Run} started by request", jobId, started.Current!.RunId);
            return started;
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <summary>Removes a job, killing the task of its attempt in flight; false when there is no such job.</summary>
    public async Task<bool> RemoveAsync(string jobId, CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (master.Job(jobId) is not { } job) return false;
            if (job.State.Current is { State: JobRunState.Active } run)
                await master.KillAsync(run.TaskId, $"job {jobId} was removed", cancellationToken).ConfigureAwait(false);
            return await master.RemoveJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task<JobDecision> ReconcileJobAsync(JobSpec spec, JobState state, CancellationToken cancellationToken)
    {
        var (_, tasks, _) = master.JobsView();
        var now = Now();
        if (state.Current is { State: JobRunState.Active } run && tasks.TryGetValue(run.TaskId, out var task))
        {
            if (!task.State.IsTerminal()) return new JobDecision(null, null, $"attempt {run.Attempt} runs as task {task.Id} ({task.State.ToWire()})", state);
            var succeeded = task.State == TaskState.Finished;
            state = JobScheduler.Complete(spec, state, run.RunId, succeeded, now, Outcome(task));
            if (!await master.PutJobStateAsync(state, cancellationToken).ConfigureAwait(false)) return new JobDecision(null, null, "removed", state);
            logger.LogInformation("job {Job}: attempt {Attempt} of run {Run} {Outcome}{Retry}", spec.Id, run.Attempt, run.RunId, Outcome(task),
                state.Current is { NotBeforeMs: { } at } ? $"; retry at {DateTimeOffset.FromUnixTimeMilliseconds(at):O}" : "");
        }
        var decision = JobScheduler.Decide(spec, state, DecideAt(spec, state, now));
        if (!ReferenceEquals(decision.State, state))
        {
            state = decision.State;
            if (!await master.PutJobStateAsync(state, cancellationToken).ConfigureAwait(false)) return new JobDecision(null, null, "removed", state);
            logger.LogInformation("job {Job}: {Reason}", spec.Id, decision.Reason);
        }
        if (state.Current is not { State: JobRunState.Active } active || tasks.ContainsKey(active.TaskId)) return decision;
        // A round of the allocator's for the tasks framework (jobs' attempts are its tasks, as one-shot tasks are, and one
        // pass of either runs at a time): the attempt goes on the first offer that fits, the rest go back.
        var (launch, whyNot) = await master.InTasksFrameworkPassAsync(async () =>
        {
            var offers = await master.BuiltInOffersAsync(MasterService.TasksFrameworkId, revive: true).ConfigureAwait(false);
            var placed = JobPlacement.Place(spec, active, offers, time.MonotonicMs()); // offers expire on the leader's monotonic clock
            IReadOnlyList<(string, TaskLaunch, PlacedLaunch)> launches = placed.Launch is not { } l ? []
                : [(l.OfferId, l.Task, new PlacedLaunch(l.Task.TaskId, TaskSpecBuilder.ForJob(spec, l, offers.First(o => o.Id == l.OfferId).Hostname), l.AgentId))];
            await master.LaunchOnOffersAsync(MasterService.TasksFrameworkId, launches, offers, wantsOffers: false, declineSeconds: 0, cancellationToken)
                .ConfigureAwait(false);
            return placed;
        }, cancellationToken).ConfigureAwait(false);
        if (launch is null) return decision with { Reason = $"attempt {active.Attempt} waits: {whyNot}" };
        return decision with { Reason = $"attempt {active.Attempt} launched as task {launch.Task.TaskId}" };
    }

    /// <summary>The wall time to decide with: for a pending retry, on the side of its not-before that its monotonic deadline is.</summary>
    private long DecideAt(JobSpec spec, JobState state, long now)
    {
        if (state.Current is not { State: JobRunState.RetryPending, NotBeforeMs: { } notBefore } retry) return now;
        var elapsed = time.MonotonicMs();
        if (!_retryDeadlines.TryGetValue(retry.TaskId, out var deadline))
        {
            var maxWaitMs = (long)Math.Ceiling(spec.RetryPolicy.DelaySeconds(Math.Max(1, retry.Attempt - 1)) * 1000);
            _retryDeadlines[retry.TaskId] = deadline = RetryDeadline.Deadline(notBefore, now, elapsed, maxWaitMs);
        }
        return RetryDeadline.DecideAt(notBefore, now, deadline, elapsed);
    }

    private static string Outcome(TaskRecord task) =>
        task.State.ToWire() + (task.ExitCode is { } code ? $" (exit code {code.ToString(CultureInfo.InvariantCulture)})"
            : task.Signal is { } signal ? $" (signal {signal.ToString(CultureInfo.InvariantCulture)})" : "")
        + (string.IsNullOrEmpty(task.Message) ? "" : $": {task.Message}");

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
