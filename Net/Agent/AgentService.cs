using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Isolation;
using MiniMesos.Core.Model;
using MiniMesos.Isolation;
using MiniMesos.Isolation.Images;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Agent;

/// <summary>
/// Runs the tasks the master sends: one sandbox directory each (the task's), one root-only meta dir each (stdout,
/// stderr, exit status, markers: never a file the task can name), and status updates kept until the master
/// acknowledges them (resent after a reconnect). <paramref name="uids"/>: per-task users (null: the launcher's default user).
/// </summary>
internal sealed partial class AgentService(ITaskLauncher launcher, string workDir, ILogger logger, TaskUserPolicy users, TaskUidPool? uids = null)
{
    private const string ReportedMarker = SandboxCollector.ReportedMarker;
    private const string BootIdFile = "/proc/sys/kernel/random/boot_id";
    private readonly ConcurrentDictionary<string, ILaunchedTask> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _killRequested = new(StringComparer.Ordinal);
    // Tasks still being launched, and kills that arrived for them meanwhile (applied once they run).
    private readonly ConcurrentDictionary<string, bool> _starting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _pendingKills = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly List<StatusUpdate> _unacknowledged = [];
    private long _nextUpdate;

    /// <summary>Called with every new status update; the connection sends it if it is up.</summary>
    public Func<StatusUpdate, Task>? Publish { get; set; }

    public string SandboxRoot => Path.Combine(workDir, "sandboxes");

    /// <summary>Root-only: one directory per task with what the agent keeps of it (see <see cref="TaskDirs"/>).</summary>
    public string MetaRoot => Path.Combine(workDir, "meta");

    public ITaskLauncher Launcher => launcher;

    public int RunningCount => _running.Count;

    /// <summary>Runs a task; a launch of a task this agent already started (a new leader resending it) is ignored.</summary>
    public void Launch(LaunchTask launch)
    {
        if (!IsSafeId(launch.TaskId) || !Directory.Exists(Path.Combine(SandboxRoot, launch.TaskId))) _ = RunAsync(launch);
        else logger.LogDebug("launch of task {Task} ignored: already started here", launch.TaskId);
    }

    /// <summary>
    /// After a restart: find every task whose end the master has not acknowledged yet. Running ones are watched
    /// again; ended ones are reported with their real exit status; lost ones (host reboot, no isolation) as LOST.
    /// </summary>
    public void Recover()
    {
        PrepareLayout();
        var rebooted = HostRebooted();
        ClaimUids();
        foreach (var sandbox in Directory.GetDirectories(SandboxRoot))
        {
            var taskId = Path.GetFileName(sandbox);
            if (!IsSafeId(taskId) || Reported(taskId)) continue;
            var task = launcher.Reattach(taskId, sandbox, MetaDir(taskId));
            if (task is null)
            {
                var why = rebooted ? "the host rebooted while the task ran" : "the agent restarted and cannot find the task again (it ran without isolation)";
                logger.LogWarning("task {Task} lost: {Why}", taskId, why);
                Update(taskId, TaskState.Lost, null, null, why);
                continue;
            }
            logger.LogInformation("task {Task} {What} after the agent restarted", taskId, task.Exited.IsCompleted ? "had ended" : "reattached");
            if (!task.Exited.IsCompleted) ReclaimImage(taskId);
            _running[taskId] = task;
            if (!task.Exited.IsCompleted)
            {
                Update(taskId, TaskState.Running, null, null, null);
                ResumeProbing(taskId, sandbox);
                ResumeAnnouncement(taskId);
            }
            _ = WatchAsync(taskId, task);
        }
    }

    /// <summary>
    /// What registration reports: every task whose end the master has not acknowledged (a sandbox without the
    /// reported marker: launching, running, or ended while away), and those whose process runs now.
    /// </summary>
    public (IReadOnlyList<string> Tasks, IReadOnlyList<string> Running) Report()
    {
        var running = _running.Where(kv => !kv.Value.Exited.IsCompleted).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        var known = Directory.Exists(SandboxRoot)
            ? Directory.GetDirectories(SandboxRoot).Select(Path.GetFileName).OfType<string>().Where(id => IsSafeId(id) && !Reported(id))
            : [];
        return (known.Union(running).Order(StringComparer.Ordinal).ToList(), running);
    }

    public async Task KillAsync(KillTask kill)
    {
        if (_starting.ContainsKey(kill.TaskId))
        {
            _pendingKills[kill.TaskId] = kill.GraceMs;
            CancelFetch(kill.TaskId);
        }
        if (!_running.TryGetValue(kill.TaskId, out var task))
        {
            if (!_starting.ContainsKey(kill.TaskId) && IsSafeId(kill.TaskId) && !Directory.Exists(Path.Combine(SandboxRoot, kill.TaskId)))
            {
                // Never started here (its launch was lost or refused before it ran): it ends now, and a late launch is ignored.
                Directory.CreateDirectory(Path.Combine(SandboxRoot, kill.TaskId));
                Update(kill.TaskId, TaskState.Killed, null, null, "killed before it started on this agent");
            }
            return;
        }
        _pendingKills.TryRemove(kill.TaskId, out _);
        _killRequested[kill.TaskId] = true;
        logger.LogInformation("killing task {Task} (grace {Grace} ms)", kill.TaskId, kill.GraceMs);
        await task.KillAsync(TimeSpan.FromMilliseconds(kill.GraceMs), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Kills every running task (dev mode's throw-away cluster must not leave processes behind).</summary>
    public Task KillAllAsync(TimeSpan gracePeriod) =>
        Task.WhenAll(_running.Keys.Select(id => KillAsync(new KillTask(id, (long)gracePeriod.TotalMilliseconds))));

    /// <summary>Updates not yet acknowledged, oldest first: what a new connection must resend.</summary>
    public IReadOnlyList<StatusUpdate> Unacknowledged()
    {
        lock (_gate) return _unacknowledged.ToList();
    }

    /// <summary>
    /// The master has this update: it is not resent. For a task's end, the marker that keeps a later restart from reporting
    /// it again is written on a pool thread (the returned task, which never fails: an error is logged), so the session's
    /// receive loop goes straight on to what follows the acknowledgement (often the log read a `run` waits for). A
    /// marker lost to a crash in between only means the end is reported again, which the master ignores.
    /// </summary>
    public Task AcknowledgeAsync(string updateId)
    {
        StatusUpdate? update;
        lock (_gate)
        {
            update = _unacknowledged.Find(u => u.UpdateId == updateId);
            _unacknowledged.RemoveAll(u => u.UpdateId == updateId);
        }
        if (update is null || !TaskStates.TryParseWire(update.State, out var state) || !state.IsTerminal() || !IsSafeId(update.TaskId))
            return Task.CompletedTask;
        return Task.Run(() =>
        {
            try
            {
                if (Directory.Exists(Path.Combine(SandboxRoot, update.TaskId))) MarkReported(update.TaskId, update.State);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("could not mark task {Task}'s end as reported (it will be reported again after a restart): {Error}", update.TaskId, e.Message);
            }
        });
    }

    public LogData ReadLog(LogRead read)
    {
        if (read.Stream is not ("stdout" or "stderr") || !IsSafeId(read.TaskId))
            return new LogData(read.RequestId, [], read.Offset, $"bad log request for task '{read.TaskId}' stream '{read.Stream}'");
        // From the task's root-only meta dir, without following links, and only the very file init created.
        using var file = TaskFiles.OpenOwn(MetaDir(read.TaskId), read.Stream, FileAccess.Read, anyOwner: true);
        if (file is null) return new LogData(read.RequestId, [], read.Offset, null);
        if (read.Offset >= file.Length) return new LogData(read.RequestId, [], read.Offset, null);
        file.Position = read.Offset;
        var buffer = new byte[Math.Min(Math.Max(read.Max, 0), 1 << 20)];
        var n = file.Read(buffer);
        return new LogData(read.RequestId, buffer[..n], read.Offset, null);
    }

    private async Task RunAsync(LaunchTask launch)
    {
        if (!IsSafeId(launch.TaskId))
        {
            Update(launch.TaskId, TaskState.Failed, null, null, "invalid task id");
            return;
        }
        LaunchTrace.Mark(launch.TaskId, "receive");
        var sandbox = Path.Combine(SandboxRoot, launch.TaskId);
        _starting[launch.TaskId] = true;
        Update(launch.TaskId, TaskState.Starting, null, null, null);
        ILaunchedTask task;
        Dictionary<string, string> env;
        try
        {
            TaskDirs.CreateRootOnly(MetaDir(launch.TaskId));
            Directory.CreateDirectory(sandbox);
            env = new Dictionary<string, string>(launch.Env, StringComparer.Ordinal)
            {
                ["MINIMESOS_TASK_ID"] = launch.TaskId,
                ["MINIMESOS_SANDBOX"] = launch.Rootfs is null && launch.Image is null ? sandbox : RootfsPlan.SandboxInside,
            };
            var limits = new TaskLimits(launch.Cpus, launch.Mem * 1024 * 1024);
            var (user, network) = UserAndNetwork(launch);
            if (RootfsPlan.Invalid(launch.Rootfs, launch.Binds, launch.Image is not null) is { } bad) throw new TaskLaunchException($"{bad.Field}: {bad.Reason}");
            if (LaunchText.Invalid(null, launch.Argv, env, launch.User, "argv") is { } text) throw new TaskLaunchException($"{text.Field}: {text.Reason}");
            var argv = launch.Argv;
            uint? uid;
            ImageRootfs? image = null;
            if (launch.Image is not null)
            {
                var start = await PrepareImageAsync(launch, env, user, network).ConfigureAwait(false);
                (argv, env, user, uid, image) = (start.Argv, start.Env, start.User, start.Uid, start.Rootfs);
                if (start.Note is not null) logger.LogInformation("task {Task}: {Note}", launch.TaskId, start.Note);
            }
            else
            {
                uid = user is null ? TaskUid(launch.TaskId) : null;
            }
            if (!await FetchAsync(launch, sandbox, user, uid).ConfigureAwait(false))
            {
                ReleaseImage(launch.TaskId);
                _starting.TryRemove(launch.TaskId, out _);
                _pendingKills.TryRemove(launch.TaskId, out _);
                logger.LogInformation("task {Task} killed while its URIs were fetched", launch.TaskId);
                Update(launch.TaskId, TaskState.Killed, null, null, "killed on request before it started (while fetching its URIs)");
                return;
            }
            task = await launcher.LaunchAsync(new LaunchRequest(launch.TaskId, argv, env, sandbox, limits, user, network, launch.Rootfs, launch.Binds,
                    MetaDir: MetaDir(launch.TaskId), Uid: uid, Image: image),
                CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Whatever went wrong, the task ends here with the reason: never a task stuck in STARTING.
            ReleaseImage(launch.TaskId);
            _starting.TryRemove(launch.TaskId, out _);
            _pendingKills.TryRemove(launch.TaskId, out _);
            logger.LogWarning("task {Task} failed to start: {Error}", launch.TaskId, e.Message);
            Update(launch.TaskId, TaskState.Failed, null, null, e.Message);
            return;
        }
        _running[launch.TaskId] = task;
        _starting.TryRemove(launch.TaskId, out _);
        logger.LogInformation("task {Task} running as pid {Pid}", launch.TaskId, task.Pid);
        Update(launch.TaskId, TaskState.Running, null, null, null);
        LaunchTrace.Mark(launch.TaskId, "running");
        StartProbing(launch, sandbox, env);
        RememberAnnouncement(launch, env);
        if (_pendingKills.TryRemove(launch.TaskId, out var graceMs)) _ = KillAsync(new KillTask(launch.TaskId, graceMs));
        await WatchAsync(launch.TaskId, task).ConfigureAwait(false);
    }

    private async Task WatchAsync(string taskId, ILaunchedTask task)
    {
        // Reported as soon as the end is known: an isolated task's init says so before its own exit (ILaunchedTask.Ended).
        var exit = await task.Ended.ConfigureAwait(false);
        _running.TryRemove(taskId, out _);
        StopProbing(taskId);
        ForgetAnnouncement(taskId);
        var killed = _killRequested.TryRemove(taskId, out _);
        var (state, message) = exit switch
        {
            { OomKilled: true } => (TaskState.Failed, $"{TaskEnd.OomKilled}: the task used more memory than it was given"),
            _ when killed => (TaskState.Killed, "killed on request"),
            { ExitCode: 0 } => (TaskState.Finished, null),
            { ExitCode: { } code } => (TaskState.Failed, $"exited with code {code}"),
            _ => (TaskState.Failed, $"killed by signal {exit.Signal}"),
        };
        logger.LogInformation("task {Task} ended: {State} {Message}", taskId, state.ToWire(), message ?? "");
        Update(taskId, state, exit.ExitCode, exit.Signal, message);
        // Its image layers only once init, and with it whatever the command left running on them, is gone.
        try
        {
            await task.Exited.ConfigureAwait(false);
        }
        finally
        {
            ReleaseImage(taskId);
        }
    }

    /// <summary>
    /// The free and total space (MiB) of the filesystem holding the work dir (statvfs; free is what non-root may still
    /// use, as for the disk offered at start); null when it cannot be read.
    /// </summary>
    public (long FreeMb, long TotalMb)? WorkDirSpace()
    {
        try
        {
            var drive = new DriveInfo(Path.GetFullPath(workDir));
            return (drive.AvailableFreeSpace / (1024 * 1024), drive.TotalSize / (1024 * 1024));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Compares the kernel's boot id with the one recorded at the last start, and records the current one.</summary>
    private bool HostRebooted()
    {
        var current = File.Exists(BootIdFile) ? File.ReadAllText(BootIdFile).Trim() : "";
        var path = Path.Combine(workDir, "boot-id");
        var previous = File.Exists(path) ? File.ReadAllText(path).Trim() : current;
        Directory.CreateDirectory(workDir);
        File.WriteAllText(path, current + "\n");
        if (previous != current) logger.LogWarning("the host rebooted since the agent last ran (boot id changed): its tasks are gone");
        return previous != current;
    }

    private void Update(string taskId, TaskState state, int? exitCode, int? signal, string? message)
    {
        var update = new StatusUpdate($"{taskId}#{Interlocked.Increment(ref _nextUpdate)}", taskId, state.ToWire(), exitCode, signal, message);
        lock (_gate) _unacknowledged.Add(update);
        _ = Publish?.Invoke(update);
    }

    /// <summary>Task ids become directory names: never let one climb out of the sandbox root.</summary>
    private static bool IsSafeId(string id) =>
        id.Length is > 0 and <= 128 && id != "." && id != ".." && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
