using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation;

/// <summary>
/// File operations on trees a task can write to (its sandbox): nothing here follows a symlink, climbs out of the
/// directory it starts from, or trusts a file with more than one name. The agent runs as root and everything a
/// task can write is hostile, so these are the only ways the agent touches such a tree.
/// </summary>
internal static class TaskFiles
{
    /// <summary>How deep a removal descends holding directory fds; deeper trees are moved up and removed in turns.</summary>
    private const int MaxDepth = 32;

    /// <summary>statx of <paramref name="name"/> below <paramref name="dirFd"/> without following it; null if it does not exist.</summary>
    public static unsafe FileStat? Stat(int dirFd, string name, bool emptyPath = false)
    {
        var buf = stackalloc byte[256];
        var flags = Fcntl.AT_SYMLINK_NOFOLLOW | (emptyPath ? Fcntl.AT_EMPTY_PATH : 0);
        if (Fcntl.statx(dirFd, name, flags, 0xfff, buf) != 0) return null;
        return new FileStat(*(uint*)(buf + 16), *(uint*)(buf + 20), *(uint*)(buf + 24), *(ushort*)(buf + 28),
            *(ulong*)(buf + 32), *(long*)(buf + 40), *(long*)(buf + 112));
    }

    public static FileStat? Stat(string path) => Stat(Fcntl.AT_FDCWD, path);

    public static FileStat? Fstat(int fd) => Stat(fd, "", emptyPath: true);

    /// <summary>
    /// Opens <paramref name="relative"/> below the trusted directory <paramref name="dir"/> with no symlink anywhere on
    /// the way and no way out of it (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS; on kernels without it, O_NOFOLLOW on
    /// each component). Returns an fd or -1 with errno set.
    /// </summary>
    public static int OpenBeneath(string dir, string relative, int flags, uint mode = 0)
    {
        var dirFd = Fcntl.open(dir, Fcntl.O_RDONLY | Fcntl.O_DIRECTORY | Fcntl.O_CLOEXEC, 0);
        if (dirFd < 0) return -1;
        try
        {
            return OpenBeneath(dirFd, relative, flags, mode);
        }
        finally
        {
            Unistd.close(dirFd);
        }
    }

    public static int OpenBeneath(int dirFd, string relative, int flags, uint mode = 0)
    {
        var parts = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts.Any(p => p is "." or ".."))
        {
            Marshal.SetLastPInvokeError(Errno.EINVAL);
            return -1;
        }

        var fd = Openat2.openat2(dirFd, string.Join('/', parts), flags | Fcntl.O_CLOEXEC, mode,
            Openat2.RESOLVE_BENEATH | Openat2.RESOLVE_NO_SYMLINKS | Openat2.RESOLVE_NO_MAGICLINKS);
        if (fd >= 0 || Marshal.GetLastPInvokeError() != Errno.ENOSYS) return fd;
        var current = dirFd;
        try
        {
            for (var i = 0; i < parts.Length - 1; i++)
            {
                var next = Fcntl.openat(current, parts[i], Fcntl.O_RDONLY | Fcntl.O_DIRECTORY | Fcntl.O_NOFOLLOW | Fcntl.O_CLOEXEC, 0);
                if (current != dirFd) Unistd.close(current);
                current = next;
                if (current < 0) return -1;
            }

            return Fcntl.openat(current, parts[^1], flags | Fcntl.O_NOFOLLOW | Fcntl.O_CLOEXEC, mode);
        }
        finally
        {
            if (current != dirFd && current >= 0) Unistd.close(current);
        }
    }

    /// <summary>
    /// Opens a file the agent itself created and keeps for a task, refusing anything else: not a regular file, more
    /// than one link (a hardlink to a file the task could not write), or an owner other than root (unless
    /// <paramref name="anyOwner"/>: a log init gave to the task's user). Null when it does not exist or is refused.
    /// </summary>
    public static FileStream? OpenOwn(string dir, string name, FileAccess access, bool anyOwner = false)
    {
        var flags = (access == FileAccess.Read ? Fcntl.O_RDONLY : Fcntl.O_RDWR) | Fcntl.O_NOCTTY | Fcntl.O_NONBLOCK;
        var fd = OpenBeneath(dir, name, flags);
        if (fd < 0) return null;
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        var st = Fstat(fd);
        if (st is not { IsRegular: true, Links: 1 } s || (s.Uid != 0 && !anyOwner))
        {
            handle.Dispose();
            return null;
        }

        return new FileStream(handle, access, 1);
    }

    /// <summary>The text of a small file kept for a task (see <see cref="OpenOwn"/>), or null.</summary>
    public static string? ReadOwn(string dir, string name, int max = 4096)
    {
        try
        {
            using var f = OpenOwn(dir, name, FileAccess.Read);
            if (f is null) return null;
            var buf = new byte[max];
            var n = f.ReadAtLeast(buf, max, throwOnEndOfStream: false);
            return System.Text.Encoding.UTF8.GetString(buf, 0, n);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Removes <paramref name="name"/> below <paramref name="parent"/> and everything in it, never following a link.</summary>
    public static void RemoveTree(string parent, string name)
    {
        var parentFd = Fcntl.open(parent, Fcntl.O_RDONLY | Fcntl.O_DIRECTORY | Fcntl.O_CLOEXEC, 0);
        if (parentFd < 0) return;
        try
        {
            var st = Stat(parentFd, name);
            if (st is null) return;
            if (!st.Value.IsDirectory)
            {
                Fcntl.unlinkat(parentFd, name, 0);
                return;
            }

            var top = Fcntl.openat(parentFd, name, Fcntl.O_RDONLY | Fcntl.O_DIRECTORY | Fcntl.O_NOFOLLOW | Fcntl.O_CLOEXEC, 0);
            if (top < 0) return;
            try
            {
                // Too-deep subtrees are renamed to the top and emptied in a later turn: bounded fds and stack.
                for (var turn = 0; turn < 1_000_000; turn++)
                {
                    var moved = 0;
                    Empty(top, top, 0, ref moved);
                    if (moved == 0) break;
                }
            }
            finally
            {
                Unistd.close(top);
            }

            if (Fcntl.unlinkat(parentFd, name, Fcntl.AT_REMOVEDIR) != 0)
                throw new IOException($"cannot remove {Path.Join(parent, name)}: {LibcError.Describe(LibcError.LastErrno)}");
        }
        finally
        {
            Unistd.close(parentFd);
        }
    }

    /// <summary>Bytes of the regular files in a tree, not following links and not descending past <see cref="MaxDepth"/>.</summary>
    public static long TreeBytes(string dir)
    {
        var fd = Fcntl.open(dir, Fcntl.O_RDONLY | Fcntl.O_DIRECTORY | Fcntl.O_NOFOLLOW | Fcntl.O_CLOEXEC, 0);
        if (fd < 0) return 0;
        try
        {
            return Bytes(fd, 0);
        }
        finally
        {
            Unistd.close(fd);
        }
    }

    private static long Bytes(int dirFd, int depth)
    {
        long total = 0;
        foreach (var name in Names(dirFd))
        {
            var st = Stat(dirFd, name);
            if (st is { IsRegular: true } f) total += f.Size;
            else if (st is { IsDirectory: true } && depth < MaxDepth)
            {
                var sub = Fcntl.openat(dirFd, name, Fcntl.O_RDONLY | Fcntl.O_DIRECTORY | Fcntl.O_NOFOLLOW | Fcntl.O_CLOEXEC, 0);
                if (sub < 0) continue;
                try { total += Bytes(sub, depth + 1); } finally { Unistd.close(sub); }
            }
        }

        return total;
    }

    private static void Empty(int top, int dirFd, int depth, ref int moved)
    {
        foreach (var name in Names(dirFd))
        {
            var st = Stat(dirFd, name);
            if (st is null) continue;
            if (!st.Value.IsDirectory)
            {
                Fcntl.unlinkat(dirFd, name, 0);
                continue;
            }

            if (depth >= MaxDepth)
            {
                var fresh = ".gc-" + Guid.NewGuid().ToString("N");
                if (Fcntl.renameat(dirFd, name, top, fresh) == 0) moved++;
                continue;
            }

            var sub = Fcntl.openat(dirFd, name, Fcntl.O_RDONLY | Fcntl.O_DIRECTORY | Fcntl.O_NOFOLLOW | Fcntl.O_CLOEXEC, 0);
            if (sub < 0) continue;
            try { Empty(top, sub, depth + 1, ref moved); } finally { Unistd.close(sub); }
            Fcntl.unlinkat(dirFd, name, Fcntl.AT_REMOVEDIR);
        }
    }

    /// <summary>The names in an open directory, read through its fd (/proc/self/fd/N is that very directory).</summary>
    private static List<string> Names(int dirFd)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd/" + dirFd.ToString(CultureInfo.InvariantCulture))
                .Select(Path.GetFileName).OfType<string>().ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
