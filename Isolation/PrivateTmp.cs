using System.Globalization;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation;

/// <summary>
/// A task's own /tmp and /var/tmp (one directory, <see cref="DirName"/> in its sandbox, so it counts against the
/// task's disk and goes with its sandbox), its own /dev/shm and /run/lock (tmpfs bounded by the task's memory) and
/// /dev/mqueue (its IPC namespace's queues), mounted in the task's mount namespace only, like systemd's PrivateTmp
/// and PrivateIPC.
/// </summary>
internal static class PrivateTmp
{
    public const string DirName = "tmp";
    private const uint StickyWorldWritable = 0b1_111_111_111; // 01777, as /tmp

    /// <summary>Creates the temp dir in the fresh sandbox (still root's) and returns an fd to it.</summary>
    public static int MakeDir(int sandboxFd, PasswdEntry user)
    {
        if (Fcntl.mkdirat(sandboxFd, DirName, 0b111_000_000) != 0 && LibcError.LastErrno != Errno.EEXIST)
            throw new LibcException("mkdir sandbox/" + DirName, LibcError.LastErrno);
        var fd = LibcError.Check(Fcntl.openat(sandboxFd, DirName, Fcntl.O_RDONLY | Fcntl.O_DIRECTORY | Fcntl.O_NOFOLLOW | Fcntl.O_CLOEXEC, 0),
            "open sandbox/" + DirName);
        LibcError.Check(Unistd.fchown(fd, user.Uid, user.Gid), "chown sandbox/" + DirName);
        LibcError.Check(Fcntl.fchmod(fd, StickyWorldWritable), "chmod sandbox/" + DirName);
        return fd;
    }

    /// <summary>
    /// In the task's mount namespace (after entering its rootfs, if any): /tmp, /var/tmp, /dev/shm, /run/lock, /dev/mqueue. In a rootfs the old
    /// root is detached, and a bind from it fails: the source is then <paramref name="insidePath"/> (the same directory
    /// through the sandbox's bind), checked to be that very directory.
    /// </summary>
    public static void Mount(int tmpFd, long shmBytes, string? insidePath = null)
    {
        var source = "/proc/self/fd/" + tmpFd.ToString(CultureInfo.InvariantCulture);
        if (insidePath is not null)
        {
            if (TaskFiles.Stat(insidePath) is not { IsDirectory: true } inside || TaskFiles.Fstat(tmpFd) is not { } own || inside.Inode != own.Inode)
                throw new InvalidOperationException($"{insidePath} is not the task's temp dir");
            source = insidePath;
        }

        foreach (var target in new[] { "/tmp", "/var/tmp" })
        {
            if (!MountPoint(target, create: target == "/tmp")) continue;
            LibcError.Check(Libc.Mount.mount(source, target, null, Libc.Mount.MS_BIND, 0), "bind the private temp dir at", target);
            LibcError.Check(Libc.Mount.mount(null, target, null, Libc.Mount.MS_REMOUNT | Libc.Mount.MS_BIND | Libc.Mount.MS_NOSUID | Libc.Mount.MS_NODEV, 0),
                "remount", target);
        }

        var options = "mode=1777" + (shmBytes > 0 ? ",size=" + shmBytes.ToString(CultureInfo.InvariantCulture) : "");
        foreach (var target in SharedTmpfs)
        {
            if (!MountPoint(target, create: false)) continue;
            LibcError.Check(Libc.Mount.mount_with_options("tmpfs", target, "tmpfs", Libc.Mount.MS_NOSUID | Libc.Mount.MS_NODEV, options),
                "mount a private", target);
        }

        // POSIX message queues: the task's IPC namespace already has its own, but the host's /dev/mqueue (mounted
        // 1777 by systemd) is the host namespace's instance; a fresh mount shows the task's own instead.
        if (MountPoint(MqueueDir, create: false))
        {
            LibcError.Check(Libc.Mount.mount("mqueue", MqueueDir, "mqueue", Libc.Mount.MS_NOSUID | Libc.Mount.MS_NODEV | Libc.Mount.MS_NOEXEC, 0),
                "mount a private", MqueueDir);
        }
    }

    /// <summary>The host's other world-writable directories (a distribution's /run/lock, /var/lock when it is not a
    /// symlink to it), each replaced by a fresh tmpfs bounded by the task's memory, as /dev/shm.</summary>
    private static readonly string[] SharedTmpfs = ["/dev/shm", "/run/lock", "/var/lock"];

    private const string MqueueDir = "/dev/mqueue";

    /// <summary>
    /// A sandbox below /tmp or /var/tmp (a work dir there) would vanish under the private one, with the task's absolute
    /// paths and a health check's working directory: it is bound again at its own path inside. The path's first directory
    /// is made in the private temp dir (fresh, the task has not run), with a small read-only tmpfs on it that holds the
    /// rest of the path: one directory on the sandbox's disk per task, not one per level (each costs a new inode, and on
    /// an ext4 without a journal a new inode costs a scan past every inode deleted in the last minute).
    /// </summary>
    public static void KeepReachable(int sandboxFd, string sandbox)
    {
        var root = sandbox.StartsWith("/tmp/", StringComparison.Ordinal) ? "/tmp"
            : sandbox.StartsWith("/var/tmp/", StringComparison.Ordinal) ? "/var/tmp" : null;
        if (root is null) return;
        if (TaskFiles.Stat(sandbox) is { IsDirectory: true }) return; // /var/tmp not private (a symlink): still there
        var rest = sandbox[(root.Length + 1)..];
        var first = rest.IndexOf('/', StringComparison.Ordinal) is var slash and > 0 ? root + "/" + rest[..slash] : sandbox;
        LibcError.Check(Fcntl.mkdirat(Fcntl.AT_FDCWD, first, 0b111_101_101), "mkdir", first);
        if (first != sandbox)
        {
            LibcError.Check(Libc.Mount.mount_with_options("tmpfs", first, "tmpfs", Libc.Mount.MS_NOSUID | Libc.Mount.MS_NODEV | Libc.Mount.MS_NOEXEC,
                "mode=0755,size=4k"), "mount a tmpfs for the sandbox's path at", first);
            Directory.CreateDirectory(sandbox, (UnixFileMode)0b111_101_101);
            LibcError.Check(Libc.Mount.mount(null, first, null, Libc.Mount.MS_REMOUNT | Libc.Mount.MS_BIND | Libc.Mount.MS_RDONLY | Libc.Mount.MS_NOSUID |
                Libc.Mount.MS_NODEV | Libc.Mount.MS_NOEXEC, 0), "remount read-only", first);
        }
        LibcError.Check(Libc.Mount.mount("/proc/self/fd/" + sandboxFd.ToString(CultureInfo.InvariantCulture), sandbox, null, Libc.Mount.MS_BIND, 0),
            "bind the sandbox at", sandbox);
    }

    /// <summary>True when <paramref name="path"/> is a real directory (made if missing and asked to); a symlink is left alone
    /// (it resolves inside the task's view, e.g. /var/tmp -> /tmp).</summary>
    private static bool MountPoint(string path, bool create)
    {
        var st = TaskFiles.Stat(path);
        if (st is null && create)
        {
            LibcError.Check(Fcntl.mkdirat(Fcntl.AT_FDCWD, path, StickyWorldWritable), "mkdir", path);
            return true;
        }

        return st is { IsDirectory: true };
    }
}
