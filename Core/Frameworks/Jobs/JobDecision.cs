namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>
/// The answer for one job at one instant: <see cref="Start"/> a run now (launch its task), or wait until
/// <see cref="WakeAtMs"/> (null: nothing will happen on its own), with <see cref="Reason"/> for users.
/// <see cref="State"/> is the job's state to keep.
/// </summary>
internal sealed record JobDecision(JobRun? Start, long? WakeAtMs, string Reason, JobState State);
