namespace MiniMesos.Isolation;

/// <summary>Starts a task's command on this host and reports how it ends.</summary>
internal interface ITaskLauncher
{
    /// <summary>What this launcher can enforce here (namespaces, cgroup controllers), for logs and agent info.</summary>
    IsolationCapabilities Capabilities { get; }

    /// <summary>
    /// Starts the command. stdout and stderr go to files in <see cref="LaunchRequest.ResolvedMetaDir"/>.
    /// Returns once the command has been started (it is RUNNING); throws <see cref="TaskLaunchException"/>
    /// with a reason a user can act on when it cannot be started.
    /// </summary>
    Task<ILaunchedTask> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// After an agent restart: the task if it still runs, or how it ended; null when this launcher cannot tell
    /// (the sandbox is gone, or the task ran without isolation and so cannot be found again).
    /// </summary>
    ILaunchedTask? Reattach(string taskId, string sandboxDir, string? metaDir = null);
}
