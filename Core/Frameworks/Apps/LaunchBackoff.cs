using MiniMesos.Core.Model;

namespace MiniMesos.Core.Frameworks.Apps;

/// <summary>
/// An app's launch delay after failures: the next launch waits until <see cref="NotBeforeMs"/>.
/// The first failure waits BackoffSeconds, each further one multiplies by BackoffFactor up to
/// MaxLaunchDelaySeconds; a healthy run resets it.
/// </summary>
internal sealed record LaunchBackoff(int Failures, double DelaySeconds, long NotBeforeMs)
{
    public static LaunchBackoff None { get; } = new(0, 0, 0);

    public LaunchBackoff AfterFailure(AppSpec app, long nowMs)
    {
        var delay = Failures == 0 ? app.BackoffSeconds : Math.Min(DelaySeconds * app.BackoffFactor, app.MaxLaunchDelaySeconds);
        delay = Math.Min(delay, app.MaxLaunchDelaySeconds);
        return new LaunchBackoff(Failures + 1, delay, nowMs + (long)Math.Round(delay * 1000));
    }

    /// <summary>A healthy (or, without health checks, running) instance proves the app can start: reset.</summary>
    public static LaunchBackoff AfterHealthyRun() => None;

    /// <summary>
    /// The backoff after an instance update: an instance that failed or exited on its own (a long-running
    /// app should not finish) grows the delay; one that is ready resets it. Kills we asked for and lost
    /// agents are not the app's fault and change nothing.
    /// </summary>
    public LaunchBackoff After(AppSpec app, AppInstance updated, long nowMs)
    {
        if (updated.KillRequested) return this;
        if (updated.State is TaskState.Failed or TaskState.Finished) return AfterFailure(app, nowMs);
        return RolloutPlanner.IsReady(app, updated) ? None : this;
    }
}
