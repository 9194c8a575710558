using System.Globalization;
using MiniMesos.Core.Frameworks.Jobs;
using MiniMesos.Core.Model;
using MiniMesos.Net.Master;

namespace MiniMesos.Net.Http;

/// <summary>Builds the /v1/jobs views from a job's spec and run state, joining each attempt with its task record.</summary>
internal static class JobViewBuilder
{
    public static JobView View(JobSpec spec, JobState state, JobsService? jobs, MasterService master, bool withRuns)
    {
        var retry = spec.RetryPolicy;
        var status = jobs?.Status(spec.Id);
        var current = state.Current?.State switch
        {
            JobRunState.Active => "active",
            JobRunState.RetryPending => "retry_pending",
            _ => "idle",
        };
        return new JobView(spec.Id, spec.Cmd, spec.Args, spec.Env, spec.Cpus, spec.Mem, spec.Disk, spec.Schedule,
            new JobRetryRequest(retry.MaxRetries, retry.BackoffSeconds, retry.BackoffFactor, retry.MaxBackoffSeconds), spec.HistoryLimit,
            Iso(spec.CreatedAtMs)!, current, status?.Reason, state.Current is null ? Iso(status?.WakeAtMs) : null,
            withRuns ? Runs(state, master) : null, spec.User, spec.Network, spec.Rootfs, spec.Binds);
    }

    private static List<JobRunView> Runs(JobState state, MasterService master)
    {
        var attempts = state.Runs.Concat(state.Current is null ? [] : [state.Current]);
        var runs = new List<JobRunView>();
        foreach (var group in attempts.GroupBy(a => a.RunId))
        {
            var list = group.OrderBy(a => a.Attempt).ToList();
            runs.Add(new JobRunView(group.Key, Wire(list[^1].State), Iso(list[0].ScheduledForMs)!, list.Select(a => Attempt(a, master)).ToList()));
        }
        return runs;
    }

    private static JobAttemptView Attempt(JobRun run, MasterService master)
    {
        var task = run.State == JobRunState.RetryPending ? null : master.Task(run.TaskId);
        return new JobAttemptView(run.Attempt, run.TaskId, Wire(run.State), task?.State.ToWire(), task?.ExitCode, Iso(run.StartedAtMs),
            Iso(run.FinishedAtMs), Iso(run.NotBeforeMs), run.Message);
    }

    private static string Wire(JobRunState state) => state switch
    {
        JobRunState.Active => "active",
        JobRunState.RetryPending => "retry_pending",
        JobRunState.Succeeded => "succeeded",
        _ => "failed",
    };

    private static string? Iso(long? ms) => ms is { } v
        ? DateTimeOffset.FromUnixTimeMilliseconds(v).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
        : null;
}
