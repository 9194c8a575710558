using MiniMesos.Core.Model;

namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// An app's launch delay after failures, as Marathon's rate limiter: the next launch waits until
/// <see cref="NotBeforeMs"/>. The first failure of a version waits BackoffSeconds, each further one multiplies the delay
/// by BackoffFactor up to MaxLaunchDelaySeconds; an instance that fails after it ran counts like one that never started.
/// An instance that starts running (healthy, with checks) pushes the delay's reference time to now without shrinking it,
/// and the delay is forgotten once MaxLaunchDelaySeconds pass after its reference time with no new failure, or when the
/// app gets a new version (<see cref="Current"/>).
/// </summary>
internal sealed record LaunchBackoff(int Failures, double DelaySeconds, long NotBeforeMs, string Version = "")
{
    public static LaunchBackoff None { get; } = new(0, 0, 0);

    public LaunchBackoff AfterFailure(AppSpec app, long nowMs)
    {
        var fresh = Failures == 0 || Version != app.Version;
        var delay = Math.Min(fresh ? app.BackoffSeconds : DelaySeconds * app.BackoffFactor, app.MaxLaunchDelaySeconds);
        return new LaunchBackoff(fresh ? 1 : Failures + 1, delay, nowMs + (long)Math.Round(delay * 1000), app.Version);
    }

    /// <summary>
    /// The backoff after an instance update: an instance that failed or exited on its own (a long-running app should not
    /// finish), even after running for a while, grows the delay; one that became ready advances it (Marathon's
    /// advanceDelay). Kills we asked for and lost agents are not the app's fault and change nothing.
    /// </summary>
    public LaunchBackoff After(AppSpec app, AppInstance updated, long nowMs)
    {
        if (updated.KillRequested) return this;
        if (updated.State is TaskState.Failed or TaskState.Finished) return AfterFailure(app, nowMs);
        if (Failures == 0 || !RolloutPlanner.IsReady(app, updated)) return this;
        return this with { NotBeforeMs = nowMs + (long)Math.Round(DelaySeconds * 1000) };
    }

    /// <summary>
    /// The backoff still in force at <paramref name="nowMs"/>: none once MaxLaunchDelaySeconds passed since the delay was
    /// last set or advanced (Marathon's overdue clean-up), or for another version of the app (delays are per version).
    /// </summary>
    public LaunchBackoff Current(AppSpec app, long nowMs)
    {
        if (Failures == 0 || Version != app.Version) return None;
        var referenceMs = NotBeforeMs - (long)Math.Round(DelaySeconds * 1000);
        return nowMs > referenceMs + (long)Math.Round(app.MaxLaunchDelaySeconds * 1000) ? None : this;
    }
}
