using System.Diagnostics;
using System.Globalization;

namespace MiniMesos.Isolation;

/// <summary>
/// Phase timestamps of each launch, on with <c>MINIMESOS_LAUNCH_TRACE=1</c> in the agent's environment (init inherits
/// it): one line per phase on the agent's stderr, <c>launch-trace TASK PHASE MICROSECONDS</c>, on the monotonic clock
/// (CLOCK_MONOTONIC, the same in the agent and in init), so a launch reads as a sequence of differences. Init's own
/// phases come back appended to its "started" line and are printed by the agent. Off, a phase costs one static read.
/// Phases: receive (agent got the launch), launch (the launcher begins), init (a waiting init taken, or a cold one
/// started: thread, unshare, fork and exec), cgroup (sandbox + cgroup
/// with limits, made while a cold init's runtime starts up), move (init in the task cgroup), go (go byte + options + environment written), init-go (init
/// read them), init-setup (mounts, files, user done), init-spawned (posix_spawn returned), started (the agent read
/// "started"), running (TASK_RUNNING handed to the connection).
/// </summary>
internal static class LaunchTrace
{
    public const string Variable = "MINIMESOS_LAUNCH_TRACE";
    public const string Marker = " trace ";

    public static readonly bool On = Environment.GetEnvironmentVariable(Variable) == "1";

    public static long NowMicros() => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000);

    public static void Mark(string taskId, string phase)
    {
        if (On) Write(taskId, phase, NowMicros());
    }

    /// <summary>Prints init's phases ("name=micros ...") from the tail of its started line.</summary>
    public static void MarkInit(string taskId, string startedLine)
    {
        var at = startedLine.IndexOf(Marker, StringComparison.Ordinal);
        if (!On || at < 0) return;
        foreach (var pair in startedLine[(at + Marker.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0 && long.TryParse(pair.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var us)) Write(taskId, pair[..eq], us);
        }
    }

    private static void Write(string taskId, string phase, long micros) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"launch-trace {taskId} {phase} {micros}"));
}
