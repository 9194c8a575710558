using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Model;
using Xunit;

namespace MiniMesos.Tests.Frameworks.Apps;

public sealed class HealthAndBackoffTests
{
    private static readonly HealthCheckSpec Check = new("COMMAND", Command: "true", GracePeriodSeconds: 30,
        IntervalSeconds: 10, TimeoutSeconds: 2, MaxConsecutiveFailures: 3);

    [Fact]
    public void BackoffGrowsByFactorUpToTheMaximum()
    {
        var app = new AppSpec("/a", Cmd: "x", BackoffSeconds: 1, BackoffFactor: 2, MaxLaunchDelaySeconds: 10);
        var backoff = LaunchBackoff.None;
        var delays = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            backoff = backoff.AfterFailure(app, 1_000);
            delays.Add(backoff.DelaySeconds);
        }
        Assert.Equal([1, 2, 4, 8, 10, 10], delays);
        Assert.Equal(11_000, backoff.NotBeforeMs);
        Assert.Equal(6, backoff.Failures);
        // A new version starts over: Marathon keys delays by the app's config version.
        Assert.Equal(1, backoff.AfterFailure(app with { Version = "v2" }, 0).DelaySeconds);
    }

    [Fact]
    public void FailuresInTheGracePeriodAreIgnoredUntilTheFirstSuccess()
    {
        var h = new InstanceHealth(StartedAtMs: 0);
        Assert.Equal(0, HealthPolicy.NextCheckAtMs(Check, h));
        h = HealthPolicy.Record(Check, h, new HealthCheckResult(false, 0.1), 0);
        h = HealthPolicy.Record(Check, h, new HealthCheckResult(false, 0.1), 10_000);
        Assert.Equal(0, h.ConsecutiveFailures);
        Assert.Equal(20_000, HealthPolicy.NextCheckAtMs(Check, h));
        // After the grace period failures count.
        h = HealthPolicy.Record(Check, h, new HealthCheckResult(false, 0.1), 30_000);
        Assert.Equal(1, h.ConsecutiveFailures);
        Assert.Equal(HealthStatus.Failing, HealthPolicy.Status(Check, h));
    }

    [Fact]
    public void InsideGraceAFailureAfterASuccessCounts()
    {
        var h = new InstanceHealth(StartedAtMs: 0);
        h = HealthPolicy.Record(Check, h, new HealthCheckResult(true, 0.1), 1_000);
        Assert.Equal(HealthStatus.Healthy, HealthPolicy.Status(Check, h));
        h = HealthPolicy.Record(Check, h, new HealthCheckResult(false, 0.1), 11_000);
        Assert.Equal(1, h.ConsecutiveFailures);
    }

    [Fact]
    public void TimeoutCountsAsFailureAndThreeInARowIsUnhealthy()
    {
        var h = new InstanceHealth(StartedAtMs: 0, EverHealthy: true);
        h = HealthPolicy.Record(Check, h, new HealthCheckResult(true, 2.5), 40_000);
        Assert.Contains("timed out", h.LastMessage);
        h = HealthPolicy.Record(Check, h, new HealthCheckResult(false, 0.1), 50_000);
        Assert.Equal(HealthStatus.Failing, HealthPolicy.Status(Check, h));
        h = HealthPolicy.Record(Check, h, new HealthCheckResult(false, 0.1), 60_000);
        Assert.Equal(HealthStatus.Unhealthy, HealthPolicy.Status(Check, h));
        Assert.Equal(HealthStatus.Failing, HealthPolicy.Status(Check with { MaxConsecutiveFailures = 0 }, h)); // 0 = never kill
        Assert.Equal(HealthStatus.Unhealthy, HealthPolicy.Combine([HealthStatus.Healthy, HealthStatus.Unhealthy]));
        Assert.Equal(HealthStatus.Unknown, HealthPolicy.Combine([HealthStatus.Healthy, HealthStatus.Unknown]));
    }

    [Fact]
    public void UnhealthyInstanceIsKilledAndReplaced()
    {
        var h = new AppsHarness();
        h.AddAgent("a1");
        h.Deploy(new AppSpec("/web", Cmd: "x", Cpus: 0.5, Instances: 2, HealthChecks: [Check]));
        h.Settle();
        var victim = h.Live("/web")[0].Id;
        h.SetHealth(victim, HealthStatus.Unhealthy);
        var d = h.Step();
        var kill = Assert.Single(d.Kills);
        Assert.Equal(victim, kill.InstanceId);
        Assert.Contains("health checks failed", kill.Reason);
        // The replacement waits until the killed instance has ended: until then it still runs and holds its room.
        Assert.Empty(d.Launches);
        h.CompleteKills();
        Assert.Single(h.Step().Launches);
        h.StartAll();
        Assert.Equal(2, h.Live("/web").Count);
        Assert.DoesNotContain(h.Live("/web"), i => i.Id == victim);
    }

    [Fact]
    public void SchedulerWaitsOutTheBackoffThenLaunches()
    {
        var h = new AppsHarness();
        h.AddAgent("a1");
        h.Deploy(new AppSpec("/crashy", Cmd: "false", Cpus: 0.1, BackoffSeconds: 2, BackoffFactor: 3, MaxLaunchDelaySeconds: 60));
        var launchTimes = new List<long>();
        for (var t = 0; t < 30; t++)
        {
            var d = h.Step();
            foreach (var l in d.Launches)
            {
                launchTimes.Add(h.NowMs);
                h.Fail(l.Task.TaskId);
            }
            if (d.Launches.Count == 0) Assert.Contains("launch delayed", Assert.Single(d.Waits).Reason);
            h.Advance(1000);
        }
        // Launch at 0, fail -> 2 s, fail -> 6 s, fail -> 18 s.
        Assert.Equal([0, 2_000, 8_000, 26_000], launchTimes);
    }

    [Fact]
    public void InstanceUpdatesDriveTheBackoff()
    {
        var app = new AppSpec("/a", Cmd: "x", BackoffSeconds: 1, BackoffFactor: 2, MaxLaunchDelaySeconds: 10);
        var i = new AppInstance("a.1", "/a", "v1", new Placement("a1", "h1", new Dictionary<string, string>()), TaskState.Failed, HealthStatus.Unknown, 0);
        var b = LaunchBackoff.None.After(app, i, 0).After(app, i with { State = TaskState.Finished }, 0);
        Assert.Equal((2, 2.0), (b.Failures, b.DelaySeconds));
        Assert.Same(b, b.After(app, i with { KillRequested = true }, 0));
        Assert.Same(b, b.After(app, i with { State = TaskState.Lost }, 0));
        Assert.Same(b, b.After(app, i with { State = TaskState.Staging }, 0));
        // Running does not reset the delay (an instance that crashes after RUNNING still backs off): it moves its
        // reference time to now, as Marathon's advanceDelay.
        var advanced = b.After(app, i with { State = TaskState.Running }, 5_000);
        Assert.Equal((2, 2.0, 7_000L), (advanced.Failures, advanced.DelaySeconds, advanced.NotBeforeMs));
        Assert.Equal(4.0, advanced.After(app, i with { State = TaskState.Failed }, 6_000).DelaySeconds);
        // With health checks, running is not enough: only healthy advances.
        var checkedApp = app with { HealthChecks = [Check] };
        Assert.Same(b, b.After(checkedApp, i with { State = TaskState.Running }, 0));
        Assert.NotSame(b, b.After(checkedApp, i with { State = TaskState.Running, Health = HealthStatus.Healthy }, 0));
    }

    [Fact]
    public void TheDelayIsForgottenMaxLaunchDelayAfterItWasLastSetOrAdvancedOrForANewVersion()
    {
        var app = new AppSpec("/a", Cmd: "x", BackoffSeconds: 1, BackoffFactor: 2, MaxLaunchDelaySeconds: 10, Version: "v1");
        var b = LaunchBackoff.None.AfterFailure(app, 0).AfterFailure(app, 1_000); // 2 s from 1 s: reference 1 s
        Assert.Same(b, b.Current(app, 11_000));
        Assert.Equal(LaunchBackoff.None, b.Current(app, 11_001));
        Assert.Equal(LaunchBackoff.None, b.Current(app with { Version = "v2" }, 1_000));
    }
}
