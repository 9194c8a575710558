using Microsoft.Extensions.Logging;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Net.Hosts;

/// <summary>
/// A master's data dir and an agent's state hold secrets (app environments in the Raft log, the cluster token): the
/// daemons (master, agent, dev) set umask 077 before anything else, and on start a master's data dir left readable
/// by an older version is fixed (the dir and its subdirs 0700, files 0600), with one log line saying so.
/// </summary>
internal static class PrivateFiles
{
    private const UnixFileMode DirMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>From now on this process creates files and directories for its own user only.</summary>
    public static void RestrictUmask() => Fcntl.umask(0b000_111_111);

    public static void Secure(string dataDir, ILogger logger)
    {
        Directory.CreateDirectory(dataDir, DirMode);
        var changed = 0;
        changed += Fix(dataDir, DirMode);
        foreach (var entry in new DirectoryInfo(dataDir).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (entry.LinkTarget is not null) continue;
            changed += Fix(entry.FullName, entry is DirectoryInfo ? DirMode : FileMode);
        }

        if (changed > 0)
            logger.LogWarning("data dir {Dir}: made {Count} entries private (dirs 0700, files 0600); they held secrets readable by other users", dataDir, changed);
    }

    private static int Fix(string path, UnixFileMode mode)
    {
        if ((File.GetUnixFileMode(path) & ~mode) == 0) return 0;
        File.SetUnixFileMode(path, File.GetUnixFileMode(path) & mode);
        return 1;
    }
}
