namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>
/// The jobs framework as pure functions of (spec, state, now): when to start a run, and what a finished
/// run means (success, retry with backoff, or final failure). Missed fires (master down) are caught up
/// with ONE run for the earliest missed instant, then the schedule continues from now.
/// </summary>
internal static class JobScheduler
{
    public static JobDecision Decide(JobSpec spec, JobState state, long nowMs)
    {
        if (state.Current is { State: JobRunState.Active } active)
            return new JobDecision(null, null, $"run '{active.RunId}' (attempt {active.Attempt}) is still running", state);
        if (state.Current is { State: JobRunState.RetryPending } retry)
        {
            if (retry.NotBeforeMs > nowMs)
                return new JobDecision(null, retry.NotBeforeMs,
                    $"attempt {retry.Attempt} of {spec.RetryPolicy.MaxRetries + 1} waits until {Iso(retry.NotBeforeMs.Value)}", state);
            var again = retry with { State = JobRunState.Active, StartedAtMs = nowMs, NotBeforeMs = null };
            return new JobDecision(again, null, $"retrying (attempt {again.Attempt})", state with { Current = again });
        }

        if (spec.Schedule is null)
        {
            if (state.LastFireMs is not null) return new JobDecision(null, null, "one-shot job has run", state);
            return StartRun(spec, state, nowMs, nowMs, "one-shot job starts");
        }
        if (!ScheduleParser.TryParse(spec.Schedule, out var schedule, out var error))
            return new JobDecision(null, null, $"schedule: {error}", state);
        var anchor = state.LastFireMs ?? spec.CreatedAtMs - 1;
        var next = schedule!.NextAfter(DateTimeOffset.FromUnixTimeMilliseconds(anchor));
        if (next is null) return new JobDecision(null, null, "the schedule has no more runs", state);
        var nextMs = next.Value.ToUnixTimeMilliseconds();
        if (nextMs > nowMs) return new JobDecision(null, nextMs, $"next run at {Iso(nextMs)}", state);
        // Consume every fire up to now: one catch-up run, not a burst.
        var started = StartRun(spec, state, nextMs, nowMs, nextMs < nowMs ? $"catching up the run due at {Iso(nextMs)}" : $"run due at {Iso(nextMs)}");
        return started with { State = started.State with { LastFireMs = nowMs } };
    }

    /// <summary>A run's task ended. Unknown or stale run ids leave the state unchanged.</summary>
    public static JobState Complete(JobSpec spec, JobState state, string runId, bool succeeded, long nowMs, string? message = null)
    {
        if (state.Current is not { State: JobRunState.Active } run || run.RunId != runId) return state;
        var finished = run with { State = succeeded ? JobRunState.Succeeded : JobRunState.Failed, FinishedAtMs = nowMs, Message = message };
        var history = JobHistory.Append(state.Runs, finished, spec.HistoryLimit);
        var policy = spec.RetryPolicy;
        if (succeeded || run.Attempt > policy.MaxRetries)
            return state with { Current = null, History = history };
        var delayMs = (long)Math.Round(policy.DelaySeconds(run.Attempt) * 1000);
        var retry = new JobRun(run.RunId, run.JobId, run.Attempt + 1, run.ScheduledForMs, JobRunState.RetryPending,
            NotBeforeMs: nowMs + delayMs, Message: message);
        return state with { Current = retry, History = history };
    }

    /// <summary>
    /// Starts a run at once, outside the schedule (a user's "run now"); null while a run is active or waits to
    /// retry. The schedule is not consumed, except that a one-shot job counts as having run.
    /// </summary>
    public static JobState? RunNow(JobSpec spec, JobState state, long nowMs)
    {
        if (state.Current is not null) return null;
        var started = StartRun(spec, state, nowMs, nowMs, "run now").State;
        return started with { LastFireMs = spec.Schedule is null ? nowMs : state.LastFireMs };
    }

    private static JobDecision StartRun(JobSpec spec, JobState state, long scheduledForMs, long nowMs, string reason)
    {
        var run = new JobRun($"{spec.Id}.{state.NextSerial}", spec.Id, 1, scheduledForMs, JobRunState.Active, StartedAtMs: nowMs);
        return new JobDecision(run, null, reason, state with { Current = run, LastFireMs = scheduledForMs, NextSerial = state.NextSerial + 1 });
    }

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
