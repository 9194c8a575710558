using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MiniMesos.Core.Frameworks.Apps;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Agent;

/// <summary>
/// The probes themselves, thin I/O: TCP connects and HTTP GETs go to 127.0.0.1 on the instance's port (the agent
/// runs beside the task, as Mesos-native checks do); a COMMAND runs `sh -c` through the agent's task launcher,
/// with the task's environment, as the task's user, in its own sandbox directory, and is killed with everything it
/// started at the timeout. When the agent isolates, the command runs inside the task's namespaces (it sees the task's
/// processes, hostname, network and mounts), as Mesos runs COMMAND checks in the task's container; a task in its own
/// rootfs gets fresh namespaces for its checks instead (the agent's init is not inside that rootfs).
/// <paramref name="taskPid"/> gives the running task's pid as the agent sees it, or null; <paramref name="metaDir"/> the task's
/// root-only meta dir (the command's output goes below it, never into the sandbox); <paramref name="taskUid"/> its per-task uid.
/// </summary>
internal sealed class HealthProbes(ITaskLauncher launcher, Func<string, int?> taskPid, Func<string, string>? metaDir = null, Func<string, uint?>? taskUid = null)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        SslOptions = Isolation.Tls.PublicRoots.ClientOptions(),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> RunAsync(HealthProbe probe, string sandbox, HealthWatch watch, CancellationToken cancellationToken)
    {
        var spec = probe.Spec;
        var timeout = TimeSpan.FromSeconds(spec.TimeoutSeconds);
        var clock = Stopwatch.StartNew();
        string? failure;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            failure = spec.Protocol switch
            {
                "TCP" => await TcpAsync(Port(watch, spec.PortIndex), deadline.Token).ConfigureAwait(false),
                "HTTP" => await HttpAsync(Port(watch, spec.PortIndex), spec.Path, deadline.Token).ConfigureAwait(false),
                "COMMAND" => await CommandAsync(probe, sandbox, watch, timeout, cancellationToken).ConfigureAwait(false),
                var other => $"protocol '{other}' cannot be probed",
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failure = $"timed out after {spec.TimeoutSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
        }
        catch (ProbeException e)
        {
            failure = e.Message;
        }
        return new HealthCheckResult(failure is null, clock.Elapsed.TotalSeconds, failure);
    }

    private static int Port(HealthWatch watch, int index) =>
        watch.Env.TryGetValue($"PORT{index}", out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? port
            : throw new ProbeException($"the instance has no port {index} (portIndex {index}; PORT{index} is not set)");

    private static async Task<string?> TcpAsync(int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (SocketException e)
        {
            return $"TCP connect to 127.0.0.1:{port} failed: {e.SocketErrorCode}";
        }
    }

    private static async Task<string?> HttpAsync(int port, string? path, CancellationToken cancellationToken)
    {
        var url = $"http://127.0.0.1:{port}{(string.IsNullOrEmpty(path) ? "/" : path.StartsWith('/') ? path : "/" + path)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.ConnectionClose = true;
        try
        {
            using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            return code is >= 200 and <= 399 ? null : $"GET {url} answered HTTP {code}";
        }
        catch (HttpRequestException e)
        {
            return $"GET {url} failed: {e.Message}";
        }
    }

    private async Task<string?> CommandAsync(HealthProbe probe, string sandbox, HealthWatch watch, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The command runs in the task's sandbox as the task's user; its output goes to the task's root-only meta dir.
        var meta = Path.Combine(metaDir?.Invoke(probe.TaskId) ?? sandbox + ".meta", "health", probe.Index.ToString(CultureInfo.InvariantCulture));
        var request = new LaunchRequest($"{probe.TaskId}.health{probe.Index}", ["/bin/sh", "-c", probe.Spec.Command ?? "false"], watch.Env, sandbox,
            new TaskLimits(0, 0), JoinPid: taskPid(probe.TaskId), MetaDir: meta, Uid: taskUid?.Invoke(probe.TaskId));
        ILaunchedTask task;
        try
        {
            task = await launcher.LaunchAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TaskLaunchException or IOException or UnauthorizedAccessException)
        {
            return $"could not run the command: {e.Message}";
        }
        var ended = await Task.WhenAny(task.Exited, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
        if (ended != task.Exited)
        {
            await task.KillAsync(TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            // Bounded, so a command that cannot be reaped never stops its check from running again.
            await Task.WhenAny(task.Exited, Task.Delay(KillWait, CancellationToken.None)).ConfigureAwait(false);
            return $"timed out after {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s; the command was killed";
        }
        var exit = await task.Exited.ConfigureAwait(false);
        return exit switch
        {
            { ExitCode: 0 } => null,
            { ExitCode: { } code } => $"command exited with code {code}",
            _ => $"command killed by signal {exit.Signal}",
        };
    }
}
