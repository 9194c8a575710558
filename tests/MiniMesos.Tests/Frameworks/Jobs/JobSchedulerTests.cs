using System.Globalization;
using MiniMesos.Core.Frameworks.Jobs;
using Xunit;

namespace MiniMesos.Tests.Frameworks.Jobs;

public sealed class JobSchedulerTests
{
    private static long Ms(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeMilliseconds();

    [Fact]
    public void OneShotRetriesWithBackoffThenGivesUp()
    {
        var spec = new JobSpec("backup", Cmd: "false", Retry: new RetryPolicy(MaxRetries: 2, BackoffSeconds: 10, BackoffFactor: 2));
        var state = new JobState("backup");
        var d = JobScheduler.Decide(spec, state, 1_000);
        Assert.Equal(("backup.1", 1), (d.Start!.RunId, d.Start.Attempt));
        state = d.State;
        Assert.Null(JobScheduler.Decide(spec, state, 2_000).Start);
        Assert.Contains("still running", JobScheduler.Decide(spec, state, 2_000).Reason);

        var startedAt = new List<long> { 1_000 };
        var now = 1_000L;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            now += 500;
            state = JobScheduler.Complete(spec, state, "backup.1", succeeded: false, now, "exit 1");
            for (var t = now; t < now + 60_000; t += 1_000)
            {
                var next = JobScheduler.Decide(spec, state, t);
                state = next.State;
                if (next.Start is null) continue;
                startedAt.Add(t);
                Assert.Equal(attempt + 1, next.Start.Attempt);
                now = t;
                break;
            }
        }
        // Failed at 1.5 s -> retry after 10 s; at 12.0 s failed -> +20 s; third failure is final.
        Assert.Equal([1_000, 11_500, 32_000], startedAt);
        Assert.Null(state.Current);
        Assert.Equal(3, state.Runs.Count);
        Assert.All(state.Runs, r => Assert.Equal(JobRunState.Failed, r.State));
        Assert.Equal("one-shot job has run", JobScheduler.Decide(spec, state, now + 100_000).Reason);
    }

    [Fact]
    public void RetryPolicyDelaysAreCapped() =>
        Assert.Equal([5, 15, 45, 100, 100], Enumerable.Range(1, 5).Select(new RetryPolicy(5, 5, 3, 100).DelaySeconds));

    [Fact]
    public void CronJobRunsOnScheduleAndCatchesUpOnceAfterDowntime()
    {
        var created = Ms("2026-01-01T00:00:00Z");
        var spec = new JobSpec("report", Cmd: "x", Schedule: "*/5 * * * *", CreatedAtMs: created);
        var state = new JobState("report");
        var d = JobScheduler.Decide(spec, state, created);
        Assert.Equal(created, d.Start!.ScheduledForMs);
        state = JobScheduler.Complete(spec, d.State, d.Start.RunId, true, created + 30_000);
        var wait = JobScheduler.Decide(spec, state, created + 60_000);
        Assert.Null(wait.Start);
        Assert.Equal(Ms("2026-01-01T00:05:00Z"), wait.WakeAtMs);
        Assert.Equal("next run at 2026-01-01T00:05:00Z", wait.Reason);

        // The master was down from 00:01 to 01:02: one catch-up run for 00:05, then back on the grid.
        var late = JobScheduler.Decide(spec, state, Ms("2026-01-01T01:02:00Z"));
        Assert.Equal(Ms("2026-01-01T00:05:00Z"), late.Start!.ScheduledForMs);
        Assert.Contains("catching up", late.Reason);
        state = JobScheduler.Complete(spec, late.State, late.Start.RunId, true, Ms("2026-01-01T01:02:30Z"));
        Assert.Equal(Ms("2026-01-01T01:05:00Z"), JobScheduler.Decide(spec, state, Ms("2026-01-01T01:03:00Z")).WakeAtMs);
    }

    [Fact]
    public void IsoScheduleStopsAfterItsRepetitionsAndHistoryIsBounded()
    {
        var spec = new JobSpec("tick", Cmd: "x", Schedule: "R3/2026-01-01T00:00:00Z/PT1H", HistoryLimit: 2, CreatedAtMs: Ms("2025-12-31T00:00:00Z"));
        var state = new JobState("tick");
        var starts = new List<long>();
        for (var t = Ms("2026-01-01T00:00:00Z"); t < Ms("2026-01-01T06:00:00Z"); t += 60_000)
        {
            var d = JobScheduler.Decide(spec, state, t);
            state = d.State;
            if (d.Start is null) continue;
            starts.Add(d.Start.ScheduledForMs);
            state = JobScheduler.Complete(spec, state, d.Start.RunId, true, t + 1_000);
        }
        Assert.Equal([Ms("2026-01-01T00:00:00Z"), Ms("2026-01-01T01:00:00Z"), Ms("2026-01-01T02:00:00Z")], starts);
        Assert.Equal(["tick.2", "tick.3"], state.Runs.Select(r => r.RunId));
        Assert.Equal("the schedule has no more runs", JobScheduler.Decide(spec, state, Ms("2026-01-02T00:00:00Z")).Reason);
    }

    [Fact]
    public void StaleCompletionsAreIgnoredAndBadSchedulesExplained()
    {
        var spec = new JobSpec("j", Cmd: "x");
        var d = JobScheduler.Decide(spec, new JobState("j"), 0);
        Assert.Same(d.State, JobScheduler.Complete(spec, d.State, "j.99", true, 1));
        var bad = JobScheduler.Decide(spec with { Schedule = "61 * * * *" }, new JobState("j"), 0);
        Assert.Equal("schedule: minute: 61 is out of range 0-59", bad.Reason);
        Assert.Null(bad.WakeAtMs);
        Assert.Equal(["c"], JobHistory.Append([new JobRun("b", "j", 1, 0, JobRunState.Succeeded)], new JobRun("c", "j", 1, 0, JobRunState.Succeeded), 1).Select(r => r.RunId));
    }
}
