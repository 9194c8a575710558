using Microsoft.Extensions.Logging;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;

namespace MiniMesos.Net.Master;

internal sealed partial class MasterService
{
    /// <summary>
    /// Most launches per log entry, and most bytes: a Raft append carries up to 64 entries in one frame (16 MiB at most),
    /// so an entry stays well under a 64th of that.
    /// </summary>
    internal const int MaxLaunchesPerEntry = 128;
    private const int MaxLaunchEntryBytes = 192 * 1024;

    /// <summary>
    /// Commits placed tasks in as few log entries as fit (<see cref="LaunchTasks"/>, proposed together so Raft writes them
    /// in one round) and sends each one the state accepted to its agent. Returns the ids launched; a launch the state
    /// skipped (its agent no longer fits it, see ClusterState.Launches) is absent and placed again by its framework's
    /// next pass. Holds the placement lock so first-fit placement of one-shot tasks never runs in between.
    /// </summary>
    public async Task<IReadOnlySet<string>> LaunchBatchAsync(IReadOnlyList<PlacedLaunch> launches, CancellationToken cancellationToken)
    {
        var launched = new HashSet<string>(StringComparer.Ordinal);
        if (launches.Count == 0) return launched;
        var log = _log ?? throw new InvalidOperationException("no replicated log attached");
        await _scheduling.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = Now();
            await System.Threading.Tasks.Task.WhenAll(LaunchEntries(launches, now, ClusterLevel()).Select(e => log.ProposeAsync(e, cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            _scheduling.Release();
        }
        var sends = new List<(TaskRecord Task, IAgentChannel Channel)>(launches.Count);
        var state = ReadView;
        foreach (var launch in launches)
        {
            if (state.Tasks.GetValueOrDefault(launch.TaskId) is not { State: TaskState.Staging } task || task.AgentId != launch.AgentId) continue;
            if (_agents.Channel(launch.AgentId) is not { } channel) continue;
            sends.Add((task, channel));
            launched.Add(task.Id);
        }
        foreach (var (task, channel) in sends)
        {
            logger.LogDebug("task {Task} placed on agent {Agent}", task.Id, task.AgentId);
            _ = LaunchAsync(task, channel);
        }
        if (launches.Count > 1 || launched.Count == 0)
            logger.LogInformation("{Launched} of {Count} placed task(s) committed and sent to their agents", launched.Count, launches.Count);
        else logger.LogInformation("task {Task} placed on agent {Agent}", launches[0].TaskId, launches[0].AgentId);
        return launched;
    }

    /// <summary>The encoded <see cref="LaunchTasks"/> entries for <paramref name="launches"/>, each within the per-entry bounds.</summary>
    private static IEnumerable<byte[]> LaunchEntries(IReadOnlyList<PlacedLaunch> launches, long now, int level)
    {
        for (var i = 0; i < launches.Count; i += MaxLaunchesPerEntry)
            foreach (var entry in Bounded(launches.Skip(i).Take(MaxLaunchesPerEntry).ToList(), now, level)) yield return entry;
    }

    private static IEnumerable<byte[]> Bounded(List<PlacedLaunch> chunk, long now, int level)
    {
        var entry = CommandCodec.Encode(FeatureGate.ForLevel(new LaunchTasks(now, chunk), level));
        if (entry.Length <= MaxLaunchEntryBytes || chunk.Count == 1)
        {
            yield return entry;
            yield break;
        }
        var half = chunk.Count / 2;
        foreach (var e in Bounded(chunk[..half], now, level)) yield return e;
        foreach (var e in Bounded(chunk[half..], now, level)) yield return e;
    }

    /// <summary>Logs the launches the latest applied entry skipped (every master skips and logs the same ones).</summary>
    private void LogSkippedLaunches(ulong index, IReadOnlyList<(string TaskId, string Reason)> skipped)
    {
        foreach (var (taskId, reason) in skipped)
            logger.LogWarning("log entry {Index}: launch of task {Task} skipped: {Reason}", index, taskId, reason);
    }
}
