using Microsoft.Extensions.Logging;
using MiniMesos.Core.Agent;
using MiniMesos.Isolation;

namespace MiniMesos.Net.Agent;

/// <summary>
/// Deletes the sandboxes (and meta dirs) of finished tasks whose end the master has acknowledged: by age, and by disk
/// pressure on the work dir's filesystem (oldest first). Running tasks and unreported ends are never touched. A
/// sandbox is the task's: it is measured and removed without following a link (<see cref="TaskFiles"/>).
/// <paramref name="removed"/> hears of each task whose files are gone (its per-task uid may then serve another).
/// </summary>
internal sealed class SandboxCollector(string sandboxRoot, string metaRoot, TimeSpan maxAge, double minFreeFraction, ILogger logger,
    Action<string>? removed = null)
{
    public const string ReportedMarker = ".reported";

    public int Collect(DateTimeOffset now)
    {
        if (!Directory.Exists(sandboxRoot)) return 0;
        var finished = new List<SandboxEntry>();
        foreach (var dir in Directory.GetDirectories(sandboxRoot))
        {
            var id = Path.GetFileName(dir);
            var marker = new FileInfo(Path.Combine(metaRoot, id, ReportedMarker));
            var legacy = TaskFiles.Stat(Path.Combine(dir, ReportedMarker)) is { IsRegular: true } old && !Directory.Exists(Path.Combine(metaRoot, id))
                ? DateTimeOffset.FromUnixTimeSeconds(old.MtimeSeconds) : (DateTimeOffset?)null;
            if (!marker.Exists && legacy is null) continue;
            finished.Add(new SandboxEntry(id, legacy ?? marker.LastWriteTimeUtc, TaskFiles.TreeBytes(dir) + TaskFiles.TreeBytes(Path.Combine(metaRoot, id))));
        }
        var drive = new DriveInfo(Path.GetFullPath(sandboxRoot));
        var wantFree = (long)(drive.TotalSize * minFreeFraction);
        var doomed = SandboxGc.Select(finished, now, maxAge, drive.AvailableFreeSpace, wantFree);
        foreach (var id in doomed)
        {
            try
            {
                TaskFiles.RemoveTree(sandboxRoot, id);
                TaskFiles.RemoveTree(metaRoot, id);
                removed?.Invoke(id);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("could not remove the sandbox of task {Task}: {Error}", id, e.Message);
            }
        }
        if (doomed.Count > 0) logger.LogInformation("removed {Count} finished sandboxes (older than {Age} or to keep {Percent}% of the disk free)",
            doomed.Count, maxAge, minFreeFraction * 100);
        return doomed.Count;
    }
}
