using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation;

namespace MiniMesos.Net.Agent;

/// <summary>
/// The agent's work dir: `sandboxes/` (0711: a task reaches its own sandbox by path but lists no other), one
/// sandbox per task (0700, the task's user's), and `meta/` (0700 root) with one directory per task holding what the
/// agent keeps of it: stdout, stderr, exit status, the reported marker, its per-task uid, its health checks.
/// </summary>
internal sealed partial class AgentService
{
    private const string UidFile = "uid";
    private const UnixFileMode TraverseOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly ConcurrentDictionary<string, uint> _uidOf = new(StringComparer.Ordinal);

    public string MetaDir(string taskId) => Path.Combine(MetaRoot, taskId);

    /// <summary>Creates the layout and fixes the modes of one an older version left (with one log line).</summary>
    private void PrepareLayout()
    {
        var fixedAny = false;
        foreach (var (dir, mode) in new[] { (workDir, TraverseOnly), (SandboxRoot, TraverseOnly), (MetaRoot, TraverseOnly & ~(UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) })
        {
            Directory.CreateDirectory(dir);
            if (File.GetUnixFileMode(dir) == mode) continue;
            File.SetUnixFileMode(dir, mode);
            fixedAny = true;
        }

        if (fixedAny) logger.LogInformation("work dir {Dir}: set sandboxes/ and the dir itself to 0711 and meta/ to 0700, so a task reaches only its own sandbox", workDir);
    }

    /// <summary>The master has this task's end. Also true for a sandbox of an older layout whose marker sits inside it.</summary>
    private bool Reported(string taskId) =>
        File.Exists(Path.Combine(MetaDir(taskId), ReportedMarker))
        || (!Directory.Exists(MetaDir(taskId)) && TaskFiles.Stat(Path.Combine(SandboxRoot, taskId, ReportedMarker)) is { IsRegular: true });

    private void MarkReported(string taskId, string state)
    {
        var meta = MetaDir(taskId);
        TaskDirs.CreateRootOnly(meta);
        File.WriteAllText(Path.Combine(meta, ReportedMarker), state + "\n");
    }

    /// <summary>Every per-task uid still in use (its task or its files are still here) is held again after a restart.</summary>
    private void ClaimUids()
    {
        if (uids is null || !Directory.Exists(MetaRoot)) return;
        foreach (var meta in Directory.GetDirectories(MetaRoot))
        {
            var text = File.Exists(Path.Combine(meta, UidFile)) ? File.ReadAllText(Path.Combine(meta, UidFile)).Trim() : null;
            if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var uid) && uids.Claim(uid))
                _uidOf[Path.GetFileName(meta)] = uid;
        }
    }

    /// <summary>A uid of its own for a task that names no user (recorded in its meta dir), or null without per-task users.</summary>
    private uint? TaskUid(string taskId)
    {
        if (uids is null || !launcher.Capabilities.Namespaces) return null;
        if (_uidOf.TryGetValue(taskId, out var held)) return held;
        var taken = TaskUidPool.IdsIn(ReadOrNull("/etc/passwd"), ReadOrNull("/etc/group"));
        var uid = uids.Allocate(taken) ?? throw new TaskLaunchException($"no free task uid left in {uids.First}-{uids.Last} (--task-uid-range)");
        _uidOf[taskId] = uid;
        File.WriteAllText(Path.Combine(MetaDir(taskId), UidFile), uid.ToString(CultureInfo.InvariantCulture) + "\n");
        return uid;
    }

    /// <summary>The task's uid, when it has a per-task one.</summary>
    internal uint? UidOf(string taskId) => _uidOf.TryGetValue(taskId, out var uid) ? uid : null;

    /// <summary>Its sandbox and meta dir are gone: its uid may serve another task.</summary>
    public void Forget(string taskId)
    {
        if (_uidOf.TryRemove(taskId, out var uid)) uids?.Release(uid);
    }

    private static string? ReadOrNull(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
}
