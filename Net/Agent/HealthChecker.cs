using Microsoft.Extensions.Logging;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Timing;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Agent;

/// <summary>
/// Runs the agent's health probes on the timetable of <see cref="HealthProbeSchedule"/> and publishes each change as
/// a <see cref="HealthReport"/>. The loop runs only while some task is probed; <see cref="Stop"/> ends it for good.
/// Its timetable runs on the monotonic clock (<see cref="NowMs"/>); reports carry wall times (<see cref="HealthTimes"/>).
/// </summary>
internal sealed class HealthChecker(HealthProbes probes, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan MaxSleep = TimeSpan.FromMilliseconds(500);
    private readonly object _gate = new();
    private readonly HealthProbeSchedule _schedule = new();
    private readonly Dictionary<string, (string Sandbox, HealthWatch Watch)> _targets = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private bool _looping;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Sends a report to the master when connected (set by the connection, cleared when it ends).</summary>
    public Func<HealthReport, Task>? Publish { get; set; }

    public void Watch(string taskId, string sandbox, HealthWatch watch)
    {
        lock (_gate)
        {
            if (_stop.IsCancellationRequested) return;
            // Never later than now: a checkpoint from before the monotonic clock (or a forged one) cannot stretch the grace period.
            _schedule.Watch(taskId, watch.Checks, Math.Min(watch.StartedAtMs, NowMs()));
            _targets[taskId] = (sandbox, watch);
            _wake.TrySetResult();
            if (_looping) return;
            _looping = true;
        }
        _ = Task.Run(LoopAsync);
    }

    public void Forget(string taskId)
    {
        lock (_gate)
        {
            _schedule.Forget(taskId);
            _targets.Remove(taskId);
        }
    }

    /// <summary>The current health of every probed task (what a new connection sends first).</summary>
    public IReadOnlyList<TaskHealth> Latest()
    {
        lock (_gate) return _schedule.All().Select(WallTimes).ToList();
    }

    public void Stop() => _stop.Cancel();

    /// <summary>The probes' clock: monotonic milliseconds (a task's start on it is checkpointed; it holds across an agent restart, not a reboot).</summary>
    public long NowMs() => time.MonotonicMs();

    private TaskHealth WallTimes(TaskHealth health) => HealthTimes.Shifted(health, time.GetUtcNow().ToUnixTimeMilliseconds() - NowMs());

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            List<(HealthProbe Probe, string Sandbox, HealthWatch Watch)> due;
            long? next;
            Task wake;
            lock (_gate)
            {
                if (_schedule.Count == 0)
                {
                    _looping = false;
                    return;
                }
                if (_wake.Task.IsCompleted) _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var now = NowMs();
                due = _schedule.TakeDue(now).Select(p => (p, _targets[p.TaskId].Sandbox, _targets[p.TaskId].Watch)).ToList();
                next = _schedule.NextDueAtMs();
                wake = _wake.Task;
            }
            foreach (var (probe, sandbox, watch) in due) _ = ProbeAsync(probe, sandbox, watch);
            var sleep = next is { } at ? TimeSpan.FromMilliseconds(Math.Clamp(at - NowMs(), 10, (long)MaxSleep.TotalMilliseconds)) : MaxSleep;
            // A finished probe or a new task wakes the loop, so probes start when due, not at the next tick.
            await Task.WhenAny(Task.Delay(sleep, time, _stop.Token), wake).ConfigureAwait(false);
        }
        lock (_gate) _looping = false;
    }

    private async Task ProbeAsync(HealthProbe probe, string sandbox, HealthWatch watch)
    {
        HealthCheckResult result;
        try
        {
            result = await probes.RunAsync(probe, sandbox, watch, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception e)
        {
            // A probe that breaks in an unexpected way is a failed check, never a dead loop.
            result = new HealthCheckResult(false, 0, $"probe error: {e.Message}");
        }
        TaskHealth? report;
        lock (_gate)
        {
            report = _schedule.Complete(probe.TaskId, probe.Index, result, NowMs());
            _wake.TrySetResult();
        }
        if (report is null) return;
        var check = report.Checks[probe.Index];
        logger.LogInformation("task {Task} health check {Index} ({Protocol}): {Status}{Cause}", probe.TaskId, probe.Index, probe.Spec.Protocol,
            check.Status.ToString().ToLowerInvariant(), result.Ok ? "" : $", {check.Tally.ConsecutiveFailures} failure(s) in a row: {check.Tally.LastMessage}");
        if (Publish is { } publish) await publish(new HealthReport(WallTimes(report))).ConfigureAwait(false);
    }
}
