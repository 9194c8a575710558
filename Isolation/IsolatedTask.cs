using System.Diagnostics;
using System.IO.Pipes;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation.Cgroups;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation;

/// <summary>A task started by <see cref="IsolatedTaskLauncher"/>: init (PID 1 of the task) is the process we hold.</summary>
internal sealed class IsolatedTask : ILaunchedTask
{
    private readonly Process _init;
    private readonly TaskCgroup? _cgroup;
    private readonly string _meta;
    private readonly Lock _pidfdLock = new();
    private int _pidfd;

    private readonly long _logCap;

    public IsolatedTask(string taskId, Process init, TaskCgroup? cgroup, string metaDir, long logCapBytes)
    {
        _logCap = logCapBytes;
        TaskId = taskId;
        Pid = init.Id;
        _init = init;
        _cgroup = cgroup;
        _meta = metaDir;
        _pidfd = Pidfd.pidfd_open(Pid);
        Exited = MonitorAsync();
        // Whatever the early path did, the end is known once init is gone (TrySet: a no-op after an early end).
        _ = Exited.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) _ended.TrySetResult(t.Result);
            else if (t.Exception is { } e) _ended.TrySetException(e.InnerExceptions);
            else _ended.TrySetCanceled();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public string TaskId { get; }

    public int Pid { get; }

    public Task<TaskExit> Exited { get; }

    /// <summary>
    /// The command's end as init recorded it, as soon as init says so (<see cref="TaskInit.EndedLine"/>), before init's
    /// own exit; or <see cref="Exited"/>'s, when init ended without a recorded end (killed).
    /// </summary>
    public Task<TaskExit> Ended => _ended.Task;

    private readonly TaskCompletionSource<TaskExit> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The task's cgroup directory, or null without cgroups.</summary>
    public string? CgroupDir => _cgroup?.Dir;

    public async Task KillAsync(TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (Exited.IsCompleted)
        {
            return;
        }

        // Init forwards SIGTERM to the command; when the command ends init ends, and with it the PID namespace.
        SignalInit(Signal.SIGTERM);
        var grace = Task.Delay(gracePeriod, cancellationToken);
        if (await Task.WhenAny(Exited, grace).ConfigureAwait(false) == Exited)
        {
            return;
        }

        _cgroup?.KillAll();
        SignalInit(Signal.SIGKILL); // PID 1 dying takes every process of its namespace along

        await Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Through the pidfd when we have one, so a recycled pid never gets our signal.</summary>
    private void SignalInit(int sig)
    {
        lock (_pidfdLock) // never signal through an fd number MonitorAsync closed and something else reused
        {
            if (_pidfd >= 0)
            {
                Pidfd.pidfd_send_signal(_pidfd, sig);
            }
            else if (_pidfd == -1 && !Exited.IsCompleted)
            {
                Signal.kill(Pid, sig);
            }
        }
    }

    private async Task<TaskExit> MonitorAsync()
    {
        var ended = _init.WaitForExitAsync();
        using (var logs = SandboxLogs.Open(_meta, _logCap))
        {
            if (logs is not null) LogCapWatch.Add(logs); // checked with every other task's, every LogCapWatch.Interval
            try
            {
                // Init's last line (or its pipe closing) comes once the command's end is on disk, before init is gone.
                if (await Task.WhenAny(ended, EndLine()).ConfigureAwait(false) != ended && RecordedEarly() is { } early)
                {
                    if (logs is not null)
                    {
                        LogCapWatch.Remove(logs); // waits for a check in progress: never two trims of one file at once
                        logs.TrimAll();
                    }

                    _ended.TrySetResult(early);
                }

                await ended.ConfigureAwait(false);
            }
            finally
            {
                if (logs is not null) LogCapWatch.Remove(logs);
            }
            logs?.TrimAll(); // again: what the command left behind may have written until init's exit killed it
        }

        var code = _init.ExitCode;
        _init.Dispose();
        lock (_pidfdLock)
        {
            if (_pidfd >= 0)
            {
                Unistd.close(_pidfd);
                _pidfd = int.MinValue; // closed: from now on the task is known to be gone
            }
        }

        // Init's file says exactly how the command ended; without it init itself was killed (128 + signal).
        var recorded = Recorded();
        var exit = recorded ?? (code > 128 ? new TaskExit(null, code - 128) : new TaskExit(code, null));
        if (_cgroup is not null)
        {
            if (MemoryController.OomKills(_cgroup.Dir) > 0)
            {
                exit = exit with { OomKilled = true };
            }

            await _cgroup.RemoveAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }

        return exit;
    }

    private TaskExit? Recorded() => ExitStatusFile.Parse(TaskFiles.ReadOwn(_meta, ExitStatusFile.FileName) ?? "");

    /// <summary>Completes when init's stdout pipe has its last line or is closed (never, if it cannot be watched).</summary>
    private Task EndLine()
    {
        try
        {
            return PipeReadiness.WhenReadable(((PipeStream)_init.StandardOutput.BaseStream).SafePipeHandle);
        }
        catch (Exception e) when (e is LibcException or InvalidOperationException or ObjectDisposedException)
        {
            return new TaskCompletionSource().Task; // the end is then known at init's exit, as before
        }
    }

    /// <summary>The end init recorded, with the cgroup's OOM kills, or null (none yet: init's exit decides).</summary>
    private TaskExit? RecordedEarly()
    {
        try
        {
            if (Recorded() is not { } recorded) return null;
            return _cgroup is not null && MemoryController.OomKills(_cgroup.Dir) > 0 ? recorded with { OomKilled = true } : recorded;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
