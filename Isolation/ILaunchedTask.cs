using MiniMesos.Core.Isolation;

namespace MiniMesos.Isolation;

/// <summary>A started task.</summary>
internal interface ILaunchedTask
{
    string TaskId { get; }

    /// <summary>The pid of the task's top process as seen from the agent.</summary>
    int Pid { get; }

    /// <summary>Completes when the task and everything it started have ended.</summary>
    Task<TaskExit> Exited { get; }

    /// <summary>
    /// Completes with the task's end as soon as it is known, which may be before <see cref="Exited"/>: an isolated task's
    /// command has ended and its status is on disk, while init (and with it what the command left behind) is still
    /// going away. Its result is the end to report.
    /// </summary>
    Task<TaskExit> Ended { get; }

    /// <summary>SIGTERM, wait up to <paramref name="gracePeriod"/>, then kill every remaining descendant.</summary>
    Task KillAsync(TimeSpan gracePeriod, CancellationToken cancellationToken);
}
