namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>
/// What the jobs framework remembers per job: the run in flight (or waiting to retry), the last schedule
/// instant consumed, and a bounded history of finished attempts (newest last).
/// </summary>
internal sealed record JobState(
    string JobId,
    JobRun? Current = null,
    long? LastFireMs = null,
    IReadOnlyList<JobRun>? History = null,
    long NextSerial = 1)
{
    public IReadOnlyList<JobRun> Runs => History ?? [];
}
