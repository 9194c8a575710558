using System.Diagnostics;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation;

/// <summary>
/// Runs a task as a plain child process with no namespaces and no cgroup: the fallback for hosts (or
/// users) that cannot isolate. stdout/stderr are copied into the files of its meta dir.
/// </summary>
internal sealed class ProcessTaskLauncher : ITaskLauncher
{
    public IsolationCapabilities Capabilities { get; } = new(false, [],
        ["isolation disabled: tasks run as plain processes without namespaces or cgroup limits"]);

    public Task<ILaunchedTask> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken)
    {
        // Without isolation there is no user switch nor network namespace: refuse rather than ignore them.
        if (request.User is not null && request.User != Environment.UserName)
            throw new TaskLaunchException($"cannot run as user '{request.User}': isolation is off on this agent (tasks run as '{Environment.UserName}')");
        if (request.Network == TaskNetwork.None)
            throw new TaskLaunchException("network none needs isolation, which is off on this agent");
        if (request.Rootfs is not null || request.Image is not null)
            throw new TaskLaunchException((request.Image is not null ? "an image" : "a rootfs") + " needs isolation, which is off on this agent");
        TaskDirs.Create(request.SandboxDir, request.ResolvedMetaDir, fresh: request.JoinPid is null);
        var startInfo = new ProcessStartInfo(request.Argv[0])
        {
            WorkingDirectory = request.SandboxDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in request.Argv.Skip(1)) startInfo.ArgumentList.Add(arg);
        foreach (var (key, value) in request.Environment) startInfo.Environment[key] = value;
        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new TaskLaunchException($"could not start '{request.Argv[0]}'");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new TaskLaunchException($"could not start '{request.Argv[0]}': {e.Message}", e);
        }
        process.StandardInput.Close();
        return Task.FromResult<ILaunchedTask>(new Launched(request.TaskId, process, request.ResolvedMetaDir));
    }

    /// <summary>A plain child process is not ours any more once the agent restarted: nothing to find.</summary>
    public ILaunchedTask? Reattach(string taskId, string sandboxDir, string? metaDir = null) => null;

    private sealed class Launched : ILaunchedTask
    {
        private readonly Process _process;

        public Launched(string taskId, Process process, string metaDir)
        {
            TaskId = taskId;
            _process = process;
            Pid = process.Id;
            var stdout = Pump(process.StandardOutput.BaseStream, Path.Combine(metaDir, "stdout"));
            var stderr = Pump(process.StandardError.BaseStream, Path.Combine(metaDir, "stderr"));
            Exited = WaitAsync(stdout, stderr);
        }

        public string TaskId { get; }
        public int Pid { get; }
        public Task<TaskExit> Exited { get; }

        public Task<TaskExit> Ended => Exited;

        public async Task KillAsync(TimeSpan gracePeriod, CancellationToken cancellationToken)
        {
            if (_process.HasExited) return;
            if (gracePeriod <= TimeSpan.Zero)
            {
                // No grace: kill the whole tree while the top process still links it (after a SIGTERM its children would be orphans).
                _process.Kill(entireProcessTree: true);
                return;
            }
            // The whole tree, read just before: a shell's children would otherwise outlive it as orphans.
            var tree = ProcessTree.Descendants(Pid);
            _ = Signal.kill(Pid, Signal.SIGTERM);
            foreach (var pid in tree) _ = Signal.kill(pid, Signal.SIGTERM);
            var waited = await Task.WhenAny(Exited, Task.Delay(gracePeriod, cancellationToken)).ConfigureAwait(false);
            if (waited != Exited && !_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        private async Task<TaskExit> WaitAsync(Task stdout, Task stderr)
        {
            await _process.WaitForExitAsync().ConfigureAwait(false);
            await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
            var code = _process.ExitCode;
            _process.Dispose();
            // .NET reports death by signal N as 128+N; keep the signal when we sent it or the code says so.
            return code > 128 && code < 160 ? new TaskExit(null, code - 128) : new TaskExit(code, null);
        }

        private static async Task Pump(Stream from, string path)
        {
            await using var to = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 1, useAsync: true);
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = await from.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
            }
        }
    }
}
