using System.Diagnostics;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation.Cgroups;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation;

/// <summary>
/// Runs each task as PID 1 of fresh PID, mount, UTS and IPC namespaces (plus network for <see cref="TaskNetwork.None"/>)
/// under its own cgroup v2, with init (<see cref="TaskInit"/>) as the only helper process.
/// </summary>
internal sealed class IsolatedTaskLauncher : ITaskLauncher, IDisposable
{
    private readonly LaunchOptions _options;
    private readonly CgroupHierarchy? _cgroups;
    private readonly Lazy<Task> _warmUp;
    private readonly WarmInitPool? _pool;
    private readonly NamespaceForker _forker = new();

    public IsolatedTaskLauncher(LaunchOptions options)
    {
        _options = options;
        IReadOnlyList<string> missing = ["cgroups: not Linux"];
        _cgroups = OperatingSystem.IsLinux() ? CgroupHierarchy.Detect(options.CgroupGroup, options.CgroupParent, out missing) : null;
        var problems = new List<string>(missing);
        var root = OperatingSystem.IsLinux() && Unistd.geteuid() == 0;
        if (!root)
        {
            problems.Add("namespaces: the agent is not root, so tasks cannot get PID/mount/UTS/IPC namespaces. Fix: run the agent as root.");
        }

        if (PidsLimitFallback.Reported(_cgroups?.Enabled ?? []) is { } fallback) problems.Add(fallback);
        if (_cgroups is not null && root && options.FavorDynMods)
        {
            (CgroupRemounted, var slow) = CgroupMigrationSpeed.Enable();
            if (slow is not null) problems.Add(slow);
        }

        Capabilities = new IsolationCapabilities(root, _cgroups?.Enabled ?? [], problems);
        _warmUp = new Lazy<Task>(WarmUpAsync);
        // Warm inits only where tasks get namespaces; the first launch starts the pool (cold itself).
        _pool = root && options.WarmInits > 0 ? new WarmInitPool(options.ResolvedInitCommand, options.WarmInits, options.ResolvedWarmInitMaxAge) : null;
    }

    /// <summary>The pre-started inits, or null when the pool is off (<see cref="LaunchOptions.WarmInits"/> = 0).</summary>
    public WarmInitPool? WarmInits => _pool;

    /// <summary>Kills and reaps the waiting inits; tasks already started are not touched. Later launches start cold.</summary>
    public void Dispose()
    {
        _pool?.Dispose();
        _forker.Dispose();
    }

    public IsolationCapabilities Capabilities { get; }

    /// <summary>What this launcher changed in the host's cgroup2 mount on start, for the log; null when nothing.</summary>
    public string? CgroupRemounted { get; }

    /// <summary>Where task cgroups live, or null when this host gives us no cgroup v2.</summary>
    public string? CgroupGroupDir => _cgroups?.GroupDir;

    public async Task<ILaunchedTask> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken)
    {
        if (!CgroupPaths.IsSafeName(request.TaskId))
        {
            throw new TaskLaunchException($"task id '{request.TaskId}' may only use letters, digits, '-', '_' and '.'");
        }

        TaskInitRootfs.CheckExists(request.Rootfs, request.Binds);
        if (request.Image is not null && request.Rootfs is not null) throw new TaskLaunchException("a task runs in an image or in a rootfs, not both");
        if (request.Argv.Count == 0)
        {
            throw new TaskLaunchException("the task has no command");
        }

        await _warmUp.Value.ConfigureAwait(false);
        LaunchTrace.Mark(request.TaskId, "launch");
        Process? init = null;
        TaskCgroup? cgroup = null;
        try
        {
            using var join = JoinedNamespaces.Open(request.JoinPid, _options.ResolvedInitCommand);
            var options = InitOptions(request, join is not null);
            var env = TaskEnvironment(request);
            init = _pool is not null && WarmInitPolicy.Fits(join is not null, request.Network == TaskNetwork.None) ? _pool.TryTake() : null;
            var warm = init is not null;
            // Cold: init first, so that its runtime starts up (it then waits for the go byte, running nothing of the
            // task, in the agent's cgroup like a waiting init) while the sandbox and the cgroup are made.
            init ??= StartCold(request, options, join);
            LaunchTrace.Mark(request.TaskId, "init");
            TaskDirs.Create(request.SandboxDir, request.ResolvedMetaDir, fresh: request.JoinPid is null);
            cgroup = _cgroups?.CreateTask(request.TaskId, request.Limits);
            LaunchTrace.Mark(request.TaskId, "cgroup");
            if (!warm)
            {
                await GoAsync(request.TaskId, init, cgroup, EnvBlock.Encode(env), cancellationToken).ConfigureAwait(false);
            }
            else if (!await TryGoAsync(request.TaskId, init, cgroup, WarmInitMessage.Encode(options, env), cancellationToken).ConfigureAwait(false))
            {
                InitProcess.Discard(init); // it died while waiting (killed from outside, OOM in the agent's cgroup): nothing of the task ran
                init = null;
                init = StartCold(request, options, join);
                await GoAsync(request.TaskId, init, cgroup, EnvBlock.Encode(env), cancellationToken).ConfigureAwait(false);
            }

            var startTimeout = _options.StartTimeout ?? TimeSpan.FromSeconds(30);
            // On this thread, not through an async read: that would cost the launch two more scheduler wake-ups.
            var line = InitAnswer.ReadLine(init, startTimeout, cancellationToken);
            if (LaunchTrace.On && line is not null)
            {
                LaunchTrace.Mark(request.TaskId, "started");
                LaunchTrace.MarkInit(request.TaskId, line);
            }

            if (line is null || !line.StartsWith(TaskInit.StartedPrefix, StringComparison.Ordinal))
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(startTimeout);
                var stderr = await init.StandardError.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
                var why = line is not null && line.StartsWith(TaskInit.ErrorPrefix, StringComparison.Ordinal)
                    ? line[TaskInit.ErrorPrefix.Length..]
                    : $"task init ended without starting the command{(stderr.Length > 0 ? ": " + stderr.Trim() : "")}";
                throw new TaskLaunchException($"cannot start task {request.TaskId}: {why}");
            }

            var task = new IsolatedTask(request.TaskId, init, cgroup, request.ResolvedMetaDir, _options.LogCapBytes);
            init = null;
            cgroup = null;
            return task;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TaskLaunchException($"task {request.TaskId}: init did not report within the start timeout", e);
        }
        catch (LibcException e)
        {
            throw new TaskLaunchException($"cannot start task {request.TaskId}: {e.Message}", e);
        }
        finally
        {
            if (init is not null)
            {
                // Launch failed half-way: leave nothing running and no cgroup behind.
                cgroup?.KillAll();
                try { init.Kill(); } catch (InvalidOperationException) { }
                await init.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                init.Dispose();
            }

            if (cgroup is not null)
            {
                await cgroup.RemoveAsync(TimeSpan.Zero).ConfigureAwait(false);
            }

            _pool?.Refill(); // after RUNNING: the next init starts while this task runs, not while it starts
        }
    }

    /// <summary>
    /// After an agent restart: the task if it still runs (its cgroup holds its init) or how it ended (the exit
    /// status file in its meta dir); null when neither is known, e.g. the sandbox is gone.
    /// </summary>
    public ILaunchedTask? Reattach(string taskId, string sandboxDir, string? metaDir = null)
    {
        if (!CgroupPaths.IsSafeName(taskId))
        {
            return null;
        }

        var meta = metaDir ?? sandboxDir.TrimEnd('/') + ".meta";
        var recorded = ExitStatusFile.Parse(TaskFiles.ReadOwn(meta, ExitStatusFile.FileName) ?? "");
        var dir = _cgroups is null ? null : Path.Join(_cgroups.GroupDir, taskId);
        if (dir is not null && Directory.Exists(dir))
        {
            var cgroup = new TaskCgroup(dir);
            if (cgroup.IsPopulated() && RecoveredTask.FindInit(cgroup) is int pid)
            {
                return new RecoveredTask(taskId, pid, cgroup, meta, null);
            }

            if (cgroup.IsPopulated())
            {
                cgroup.KillAll(); // processes without their init: nothing we can supervise any more
            }

            cgroup.TryRemove();
        }

        return recorded is null ? null : new RecoveredTask(taskId, 0, null, meta, recorded);
    }

    /// <summary>
    /// After unshare(CLONE_NEWPID) the thread may fork but not create threads (clone fails with EINVAL), and the
    /// first Process.Start of a process starts the runtime's SIGCHLD machinery, which does. So the first start
    /// happens on an ordinary thread: init with no options, which exits at once.
    /// </summary>
    private async Task WarmUpAsync()
    {
        var cmd = _options.ResolvedInitCommand;
        var psi = new ProcessStartInfo(cmd[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (var a in cmd.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        psi.ArgumentList.Add(TaskInit.Verb);
        try
        {
            using var p = Process.Start(psi) ?? throw new TaskLaunchException("task init did not start");
            await p.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
            await p.WaitForExitAsync().ConfigureAwait(false);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new TaskLaunchException($"cannot run task init {string.Join(' ', cmd)}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Places init in the task's cgroup, then sends the go byte and <paramref name="message"/> (the environment, and
    /// for a warm init its options too) and closes its stdin: only then may init start the command.
    /// </summary>
    private static async Task GoAsync(string taskId, Process init, TaskCgroup? cgroup, byte[] message, CancellationToken cancellationToken)
    {
        cgroup?.AddProcess(init.Id);
        LaunchTrace.Mark(taskId, "move");
        await init.StandardInput.BaseStream.WriteAsync(new byte[] { 1 }, cancellationToken).ConfigureAwait(false);
        await init.StandardInput.BaseStream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        await init.StandardInput.BaseStream.FlushAsync(cancellationToken).ConfigureAwait(false);
        init.StandardInput.Close();
        LaunchTrace.Mark(taskId, "go");
    }

    /// <summary><see cref="GoAsync"/> for a waiting init, false when it is gone before it got the message.</summary>
    private static async Task<bool> TryGoAsync(string taskId, Process init, TaskCgroup? cgroup, byte[] message, CancellationToken cancellationToken)
    {
        try
        {
            await GoAsync(taskId, init, cgroup, message, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or LibcException)
        {
            return false;
        }
    }

    private TaskInitOptions InitOptions(LaunchRequest request, bool joined) =>
        new(request.TaskId, Path.GetFullPath(request.SandboxDir), request.User ?? _options.DefaultUser,
            PidsLimitFallback.Rlimits(_options.ResolvedRlimits, request.Limits.MaxPids, _cgroups?.Enabled.Contains("pids") == true), request.Argv,
            LoopbackUp: request.Network == TaskNetwork.None, Rootfs: request.Rootfs, Binds: request.Binds, Joined: joined,
            MetaDir: Path.GetFullPath(request.ResolvedMetaDir), Uid: request.Uid, ShmBytes: request.Limits.MemoryBytes,
            Capabilities: _options.ResolvedRootCapabilities, Overlay: request.Image?.OverlayDir, Layers: request.Image?.Layers, WorkDir: request.Image?.WorkDir);

    /// <summary>
    /// Init in fresh namespaces starts in `/`, as a waiting one does (the sandbox may not exist yet; init enters it
    /// itself); one joining a running task's namespaces starts in that task's sandbox, which exists.
    /// </summary>
    private Process StartCold(LaunchRequest request, TaskInitOptions options, JoinedNamespaces? join) =>
        _forker.Start(InitProcess.StartInfo(_options.ResolvedInitCommand, join is null ? "/" : request.SandboxDir, options.ToArgs()),
            InitProcess.TaskNamespaces | (request.Network == TaskNetwork.None ? Sched.CLONE_NEWNET : 0), join);

    private static Dictionary<string, string> TaskEnvironment(LaunchRequest request)
    {
        var env = new Dictionary<string, string>(request.Environment, StringComparer.Ordinal);
        env.TryAdd("PATH", TaskInitSetup.DefaultPath);
        if (request.Uid is not null)
        {
            // A per-task user has no passwd entry: its home is its sandbox.
            env.TryAdd("HOME", request.Rootfs is null && request.Image is null ? Path.GetFullPath(request.SandboxDir) : RootfsPlan.SandboxInside);
        }

        return env;
    }
}
