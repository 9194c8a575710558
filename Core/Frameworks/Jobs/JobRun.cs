namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>One attempt of a job for one scheduled instant. Times are UTC milliseconds.</summary>
internal sealed record JobRun(
    string RunId,
    string JobId,
    int Attempt,
    long ScheduledForMs,
    JobRunState State,
    long? StartedAtMs = null,
    long? FinishedAtMs = null,
    long? NotBeforeMs = null,
    string? Message = null)
{
    /// <summary>The task of this attempt: each attempt gets its own, so a retry never collides with the one before.</summary>
    public string TaskId => $"{RunId}.{Attempt}";
}
