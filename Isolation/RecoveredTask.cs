using System.Globalization;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation.Cgroups;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation;

/// <summary>
/// A task found again after the agent restarted: init is no longer our child, so the end is seen from the
/// cgroup emptying and the exit status comes from the file init wrote in the sandbox.
/// </summary>
internal sealed class RecoveredTask : ILaunchedTask
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private readonly TaskCgroup? _cgroup;
    private readonly string _meta;

    public RecoveredTask(string taskId, int initPid, TaskCgroup? cgroup, string metaDir, TaskExit? alreadyEnded)
    {
        TaskId = taskId;
        Pid = initPid;
        _cgroup = cgroup;
        _meta = metaDir;
        Exited = alreadyEnded is not null ? Task.FromResult(alreadyEnded) : MonitorAsync();
    }

    public string TaskId { get; }

    public int Pid { get; }

    public Task<TaskExit> Exited { get; }

    public Task<TaskExit> Ended => Exited;

    /// <summary>Init of a running task: the process in the cgroup whose argv[1] is the init verb (argv[2] under the dotnet host).</summary>
    public static int? FindInit(TaskCgroup cgroup)
    {
        foreach (var pid in cgroup.Pids())
        {
            var cmdline = CgroupFile.TryRead($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline") ?? "";
            if (cmdline.Split('\0').Take(3).Contains(TaskInit.Verb))
            {
                return pid;
            }
        }

        return null;
    }

    public async Task KillAsync(TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (Exited.IsCompleted || _cgroup is null)
        {
            return;
        }

        var pidfd = Pidfd.pidfd_open(Pid);
        try
        {
            if (pidfd >= 0)
            {
                Pidfd.pidfd_send_signal(pidfd, Signal.SIGTERM);
            }

            var grace = Task.Delay(gracePeriod, cancellationToken);
            if (await Task.WhenAny(Exited, grace).ConfigureAwait(false) != Exited)
            {
                _cgroup.KillAll();
            }
        }
        finally
        {
            if (pidfd >= 0)
            {
                Unistd.close(pidfd);
            }
        }

        await Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<TaskExit> MonitorAsync()
    {
        while (_cgroup is not null && _cgroup.IsPopulated())
        {
            await Task.Delay(PollInterval).ConfigureAwait(false);
        }

        var exit = ExitStatusFile.Parse(TaskFiles.ReadOwn(_meta, ExitStatusFile.FileName) ?? "")
            ?? new TaskExit(null, Signal.SIGKILL); // init itself was killed before it could write
        if (_cgroup is not null)
        {
            if (MemoryController.OomKills(_cgroup.Dir) > 0)
            {
                exit = exit with { OomKilled = true };
            }

            await _cgroup.RemoveAsync(TimeSpan.Zero).ConfigureAwait(false);
        }

        return exit;
    }
}
