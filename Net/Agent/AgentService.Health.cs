using Microsoft.Extensions.Logging;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Agent;

/// <summary>
/// Health checks of the tasks this agent runs: probing starts when an instance that carries checks is running and
/// stops when it ends. The checks are kept in the task's meta dir so an agent restart resumes probing (with a fresh tally;
/// the grace period still counts from the task's start).
/// </summary>
internal sealed partial class AgentService
{
    private const string HealthCheckpointFile = "health-checks";
    private HealthChecker? _checker;

    private HealthChecker Checker =>
        LazyInitializer.EnsureInitialized(ref _checker, () => new HealthChecker(new HealthProbes(launcher, RunningPid, MetaDir, UidOf), TimeProvider.System, logger));

    private int? RunningPid(string taskId) => _running.TryGetValue(taskId, out var task) && !task.Exited.IsCompleted ? task.Pid : null;

    /// <summary>Sends a health report to the master (set while connected).</summary>
    public Func<HealthReport, Task>? PublishHealth
    {
        get => Checker.Publish;
        set => Checker.Publish = value;
    }

    /// <summary>The latest health of every probed task: sent after each registration.</summary>
    public IReadOnlyList<HealthReport> LatestHealth() => Checker.Latest().Select(h => new HealthReport(h)).ToList();

    /// <summary>Stops probing for good (the agent is shutting down; its tasks may keep running).</summary>
    public void StopHealthChecks() => Checker.Stop();

    private void StartProbing(LaunchTask launch, string sandbox, IReadOnlyDictionary<string, string> env)
    {
        if (launch.HealthChecks is not { Count: > 0 } checks) return;
        var watch = new HealthWatch(Checker.NowMs(), checks, env);
        try
        {
            var path = Path.Combine(MetaDir(launch.TaskId), HealthCheckpointFile);
            File.WriteAllBytes(path, HealthWire.EncodeCheckpoint(watch));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("task {Task}: cannot keep its health checks in its meta dir ({Error}); an agent restart stops probing it", launch.TaskId,
                e.Message);
        }
        Checker.Watch(launch.TaskId, sandbox, watch);
    }

    private void ResumeProbing(string taskId, string sandbox)
    {
        var path = Path.Combine(MetaDir(taskId), HealthCheckpointFile);
        if (!File.Exists(path)) return;
        try
        {
            Checker.Watch(taskId, sandbox, HealthWire.DecodeCheckpoint(File.ReadAllBytes(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ProtocolException)
        {
            logger.LogWarning("task {Task}: its health checks cannot be read back ({Error}); it is not probed", taskId, e.Message);
        }
    }

    private void StopProbing(string taskId) => _checker?.Forget(taskId);
}
