namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>
/// A retry's backoff measured on the leader's monotonic clock. The replicated run keeps its not-before as wall time
/// (shown to users, valid on every master), but a leader counts the wait from when it first saw the retry pending, so a
/// wall clock that jumps (a board without an RTC at its first NTP sync) neither retries early nor holds a retry for hours.
/// </summary>
internal static class RetryDeadline
{
    /// <summary>
    /// The monotonic deadline for a retry first seen at <paramref name="elapsedMs"/> (monotonic) and
    /// <paramref name="nowMs"/> (wall): what remains of its wait by the wall clock, within [0, <paramref name="maxWaitMs"/>].
    /// </summary>
    public static long Deadline(long notBeforeMs, long nowMs, long elapsedMs, long maxWaitMs) =>
        elapsedMs + Math.Clamp(notBeforeMs - nowMs, 0, Math.Max(0, maxWaitMs));

    /// <summary>
    /// The wall time to hand <see cref="JobScheduler.Decide"/> for a pending retry: the wall clock, moved to the side of
    /// <paramref name="notBeforeMs"/> that the monotonic deadline is on.
    /// </summary>
    public static long DecideAt(long notBeforeMs, long nowMs, long deadlineMs, long elapsedMs) =>
        elapsedMs >= deadlineMs ? Math.Max(nowMs, notBeforeMs) : Math.Min(nowMs, notBeforeMs - 1);
}
