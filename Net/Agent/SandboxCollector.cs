using Microsoft.Extensions.Logging;
using MiniMesos.Core.Agent;

namespace MiniMesos.Net.Agent;

/// <summary>
/// Deletes the sandboxes of finished tasks whose end the master has acknowledged: by age, and by disk pressure on
/// the work dir's filesystem (oldest first). Running tasks and unreported ends are never touched.
/// </summary>
internal sealed class SandboxCollector(string sandboxRoot, TimeSpan maxAge, double minFreeFraction, ILogger logger)
{
    public const string ReportedMarker = ".reported";

    public int Collect(DateTimeOffset now)
    {
        if (!Directory.Exists(sandboxRoot)) return 0;
        var finished = new List<SandboxEntry>();
        foreach (var dir in Directory.GetDirectories(sandboxRoot))
        {
            var marker = new FileInfo(Path.Combine(dir, ReportedMarker));
            if (!marker.Exists) continue;
            long bytes = 0;
            foreach (var file in new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories)) bytes += file.Length;
            finished.Add(new SandboxEntry(Path.GetFileName(dir), marker.LastWriteTimeUtc, bytes));
        }
        var drive = new DriveInfo(Path.GetFullPath(sandboxRoot));
        var wantFree = (long)(drive.TotalSize * minFreeFraction);
        var doomed = SandboxGc.Select(finished, now, maxAge, drive.AvailableFreeSpace, wantFree);
        foreach (var id in doomed)
        {
            try
            {
                Directory.Delete(Path.Combine(sandboxRoot, id), recursive: true);
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
