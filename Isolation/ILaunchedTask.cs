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

    /// <summary>SIGTERM, wait up to <paramref name="gracePeriod"/>, then kill every remaining descendant.</summary>
    Task KillAsync(TimeSpan gracePeriod, CancellationToken cancellationToken);
}
