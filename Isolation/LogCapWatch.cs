namespace MiniMesos.Isolation;

/// <summary>
/// Keeps every running task's logs under their cap with one timer for the whole process: every <see cref="Interval"/>
/// it looks at each watched task's two held descriptors (an fstat each; the trim itself only when a file is over its
/// cap, <see cref="SandboxLogs"/>). One timer and one wake-up for all tasks, instead of a timer, a delay and a wait per
/// task: an idle agent with 10 tasks woke five times a second for these checks, allocating each time, and what an idle
/// agent runs every few seconds is what it keeps resident (bench/idle-rss). The timer runs only while a task is watched.
/// </summary>
internal static class LogCapWatch
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private static readonly Lock Gate = new();
    private static readonly List<SandboxLogs> Watched = [];
    private static bool s_running;

    /// <summary>Checks <paramref name="logs"/> every <see cref="Interval"/> until <see cref="Remove"/>.</summary>
    public static void Add(SandboxLogs logs)
    {
        lock (Gate)
        {
            Watched.Add(logs);
            if (s_running) return;
            s_running = true;
        }
        _ = RunAsync();
    }

    /// <summary>Stops checking <paramref name="logs"/>; once this returns no check of them is running, so they can be disposed.</summary>
    public static void Remove(SandboxLogs logs)
    {
        lock (Gate) Watched.Remove(logs);
    }

    private static async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            lock (Gate) // trims under the lock: Remove waits for a check in progress, and a removed task's files are never touched
            {
                if (Watched.Count == 0)
                {
                    s_running = false;
                    return;
                }
                foreach (var logs in Watched) logs.TrimAll();
            }
        }
    }
}
