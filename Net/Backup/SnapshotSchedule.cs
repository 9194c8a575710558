using System.Globalization;
using Microsoft.Extensions.Logging;

namespace MiniMesos.Net.Backup;

/// <summary>
/// A master's scheduled backups: every <paramref name="interval"/> it writes its applied state to
/// <c>&lt;dir&gt;/minimesos-&lt;UTC time&gt;-&lt;index&gt;.mmsnap</c> and keeps the newest <paramref name="retain"/> such files.
/// Each master writes its own (a follower's state may trail the leader's by the entries it has not applied yet).
/// </summary>
internal sealed class SnapshotSchedule(BackupService backups, string dir, TimeSpan interval, int retain, TimeProvider time, ILogger logger)
{
    private const string Prefix = "minimesos-";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false)) await SaveOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Writes one snapshot and prunes old ones; a failure is logged, and the next tick tries again.</summary>
    public async Task<string?> SaveOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (file, header) = await backups.SaveAsync(cancellationToken).ConfigureAwait(false);
            var stamp = DateTimeOffset.FromUnixTimeMilliseconds(header.CreatedAtMs).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            var path = Path.Combine(dir, $"{Prefix}{stamp}-{header.Index}{SnapshotFile.Extension}");
            SnapshotWriter.WriteAtomically(path, file);
            logger.LogInformation("scheduled snapshot {Path}: index {Index}, {Bytes} bytes", path, header.Index, file.Length);
            Prune();
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Raft.NotLeaderException)
        {
            logger.LogError("scheduled snapshot into {Dir} failed: {Error}", dir, e.Message);
            return null;
        }
    }

    private void Prune()
    {
        // The names start with a sortable UTC time: the newest sort last.
        var old = Directory.GetFiles(dir, Prefix + "*" + SnapshotFile.Extension).Order(StringComparer.Ordinal).SkipLast(retain);
        foreach (var path in old)
        {
            File.Delete(path);
            logger.LogInformation("scheduled snapshot {Path} removed (--snapshot-retain {Retain})", path, retain);
        }
    }
}
