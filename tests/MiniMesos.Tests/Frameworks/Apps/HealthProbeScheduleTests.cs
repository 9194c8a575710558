using MiniMesos.Core.Frameworks.Apps;
using Xunit;

namespace MiniMesos.Tests.Frameworks.Apps;

/// <summary>The agent's probe timetable and what it reports, driven with a fake clock (plain ms values).</summary>
public sealed class HealthProbeScheduleTests
{
    private static readonly HealthCheckSpec Tcp = new("TCP", PortIndex: 0, GracePeriodSeconds: 5, IntervalSeconds: 2, TimeoutSeconds: 1,
        MaxConsecutiveFailures: 3);

    private static readonly HealthCheckResult Ok = new(true, 0.01);
    private static HealthCheckResult Fail(string why = "refused") => new(false, 0.01, why);

    [Fact]
    public void FirstProbeAtStartThenOneIntervalAfterEachResultAndNeverTwoAtOnce()
    {
        var s = new HealthProbeSchedule();
        s.Watch("t1", [Tcp], startedAtMs: 1_000);
        Assert.Empty(s.TakeDue(999));
        Assert.Equal(1_000, s.NextDueAtMs());
        var due = s.TakeDue(1_000);
        Assert.Equal([new HealthProbe("t1", 0, Tcp)], due);
        // In flight: not due again, however late it gets.
        Assert.Empty(s.TakeDue(60_000));
        Assert.Null(s.NextDueAtMs());
        s.Complete("t1", 0, Ok, 1_300);
        Assert.Equal(3_300, s.NextDueAtMs());
        Assert.Empty(s.TakeDue(3_299));
        Assert.Single(s.TakeDue(3_300));
    }

    [Fact]
    public void OnlyChangesAreReported()
    {
        var s = new HealthProbeSchedule();
        s.Watch("t1", [Tcp], 0);
        s.TakeDue(0);
        var first = s.Complete("t1", 0, Ok, 10);
        Assert.NotNull(first);
        Assert.Equal(HealthStatus.Healthy, first.Status);
        Assert.Equal(10, first.Checks[0].Tally.FirstSuccessAtMs);
        s.TakeDue(2_010);
        Assert.Null(s.Complete("t1", 0, Ok, 2_020)); // healthy again: nothing new for the master
        s.TakeDue(4_020);
        var failing = s.Complete("t1", 0, Fail("connection refused"), 4_030);
        Assert.Equal(HealthStatus.Failing, failing!.Status);
        Assert.Equal(1, failing.Checks[0].Tally.ConsecutiveFailures);
        Assert.Equal("connection refused", failing.Checks[0].Tally.LastFailureCause);
        Assert.Equal(4_030, failing.Checks[0].Tally.LastFailureAtMs);
        Assert.Equal(2_020, failing.Checks[0].Tally.LastSuccessAtMs);
        Assert.Equal(10, failing.Checks[0].Tally.FirstSuccessAtMs);
    }

    [Fact]
    public void GraceFailuresAreSilentUntilTheLimitAfterGraceMakesItUnhealthy()
    {
        var s = new HealthProbeSchedule();
        s.Watch("t1", [Tcp], 0);
        var reports = new List<TaskHealth?>();
        long now = 0;
        for (var i = 0; i < 6; i++)
        {
            var due = s.TakeDue(now);
            Assert.Single(due);
            reports.Add(s.Complete("t1", 0, Fail(), now + 100));
            now = s.NextDueAtMs()!.Value;
        }
        // Probes at 0, 2.1 s, 4.2 s are inside the 5 s grace: the first says "failing" with 0 counted, the next two are no news.
        Assert.Equal(0, reports[0]!.Checks[0].Tally.ConsecutiveFailures);
        Assert.Null(reports[1]);
        Assert.Null(reports[2]);
        Assert.Equal(1, reports[3]!.Checks[0].Tally.ConsecutiveFailures);
        Assert.Equal(HealthStatus.Failing, reports[4]!.Status);
        Assert.Equal(HealthStatus.Unhealthy, reports[5]!.Status);
    }

    [Fact]
    public void ASlowProbeCountsAsATimeoutEvenIfItSucceeded()
    {
        var s = new HealthProbeSchedule();
        s.Watch("t1", [Tcp with { GracePeriodSeconds = 0 }], 0);
        s.TakeDue(0);
        var report = s.Complete("t1", 0, new HealthCheckResult(true, 1.5), 1_500);
        Assert.Equal(HealthStatus.Failing, report!.Status);
        Assert.Contains("timed out", report.Checks[0].Tally.LastFailureCause);
    }

    [Fact]
    public void AnInstanceIsAsHealthyAsItsWorstCheckAndForgottenTasksIgnoreLateResults()
    {
        var cmd = new HealthCheckSpec("COMMAND", "true", GracePeriodSeconds: 0, IntervalSeconds: 1, TimeoutSeconds: 1, MaxConsecutiveFailures: 1);
        var s = new HealthProbeSchedule();
        s.Watch("t1", [Tcp, cmd], 0);
        s.Watch("t2", [cmd], 0);
        Assert.Equal(3, s.TakeDue(0).Count);
        s.Complete("t1", 0, Ok, 5);
        var report = s.Complete("t1", 1, Fail("exit 1"), 6);
        Assert.Equal([HealthStatus.Healthy, HealthStatus.Unhealthy], report!.Checks.Select(c => c.Status));
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.True(s.Forget("t2"));
        Assert.Null(s.Complete("t2", 0, Ok, 7));
        Assert.Equal(["t1"], s.All().Select(h => h.TaskId));
        Assert.Equal(1, s.Count);
    }

    [Fact]
    public void WatchingAgainStartsAFreshTallyFromTheGivenStart()
    {
        var s = new HealthProbeSchedule();
        s.Watch("t1", [Tcp with { GracePeriodSeconds = 0 }], 0);
        s.TakeDue(0);
        s.Complete("t1", 0, Fail(), 10);
        s.Watch("t1", [Tcp with { GracePeriodSeconds = 0 }], 50_000);
        Assert.Equal(HealthStatus.Unknown, s.Current("t1")!.Status);
        Assert.Equal(50_000, s.NextDueAtMs());
        Assert.Null(s.Current("nope"));
        s.Watch("t3", [], 0);
        Assert.Null(s.Current("t3"));
    }
}
