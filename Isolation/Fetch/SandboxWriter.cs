using Microsoft.Win32.SafeHandles;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation.Fetch;

/// <summary>
/// Creates files, directories and links below a fresh sandbox before its task runs, for the fetcher. Every name is
/// resolved one component at a time from the sandbox's directory fd with O_NOFOLLOW, so nothing is written through a
/// symlink (not even one an archive made a moment ago) and nothing lands outside the sandbox; each new file, directory
/// and link is given to <see cref="Owner"/> by fd. Callers pass names already checked by FetchPlan.BadRelative.
/// </summary>
internal sealed class SandboxWriter : IDisposable
{
    private static readonly int DirFlags = Fcntl.O_RDONLY | Fcntl.O_DIRECTORY | Fcntl.O_NOFOLLOW | Fcntl.O_CLOEXEC;
    private readonly int _rootFd;

    private SandboxWriter(int rootFd, (uint Uid, uint Gid)? owner)
    {
        _rootFd = rootFd;
        Owner = owner;
    }

    /// <summary>Who gets every file (null: whoever creates it, the agent's own user when it does not run as root).</summary>
    public (uint Uid, uint Gid)? Owner { get; }

    public static SandboxWriter Open(string sandbox, (uint Uid, uint Gid)? owner)
    {
        var fd = Fcntl.open(sandbox, DirFlags, 0);
        if (fd < 0) throw new FetchException($"cannot open the sandbox: {LibcError.Describe(LibcError.LastErrno)}");
        return new SandboxWriter(fd, owner);
    }

    public void Dispose() => Unistd.close(_rootFd);

    /// <summary>Opens the directory <paramref name="path"/> ("" = the sandbox), creating missing components 0755.</summary>
    public DirFd Directory(string path)
    {
        var current = new DirFd(LibcError.Check(Fcntl.openat(_rootFd, ".", DirFlags, 0), "reopen the sandbox"));
        foreach (var component in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            using var parent = current;
            var fd = Fcntl.openat(parent.Value, component, DirFlags, 0);
            if (fd < 0 && LibcError.LastErrno == Errno.ENOENT)
            {
                if (Fcntl.mkdirat(parent.Value, component, 0b111_101_101) != 0 && LibcError.LastErrno != Errno.EEXIST)
                    throw new FetchException($"cannot create the directory '{path}': {LibcError.Describe(LibcError.LastErrno)}");
                fd = Fcntl.openat(parent.Value, component, DirFlags, 0);
                if (fd >= 0) Own(fd, path);
            }
            if (fd < 0)
            {
                var errno = LibcError.LastErrno;
                throw new FetchException(errno is AtFile.ELOOP or AtFile.ENOTDIR
                    ? $"'{path}' goes through '{component}', which is a symlink or a file"
                    : $"cannot open the directory '{path}': {LibcError.Describe(errno)}");
            }
            current = new DirFd(fd);
        }
        return current;
    }

    /// <summary>Creates (replacing a file or link there) the regular file <paramref name="path"/>, written by the caller, then owned and given <paramref name="mode"/>.</summary>
    public FileStream CreateFile(string path, out int fd)
    {
        var (dir, leaf) = Split(path);
        using var parent = Directory(dir);
        Remove(parent.Value, leaf, path);
        fd = Fcntl.openat(parent.Value, leaf, Fcntl.O_WRONLY | Fcntl.O_CREAT | Fcntl.O_EXCL | Fcntl.O_NOFOLLOW | Fcntl.O_CLOEXEC, 0b110_000_000);
        if (fd < 0) throw new FetchException($"cannot create '{path}': {LibcError.Describe(LibcError.LastErrno)}");
        return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, 0);
    }

    /// <summary>Gives a file created by <see cref="CreateFile"/> its owner and mode (setuid, setgid and sticky never kept).</summary>
    public void Finish(int fd, uint mode, string path)
    {
        Own(fd, path);
        if (Fcntl.fchmod(fd, mode & 0x1FF) != 0) throw new FetchException($"cannot chmod '{path}': {LibcError.Describe(LibcError.LastErrno)}");
    }

    /// <summary>Makes the directory <paramref name="path"/> (kept if it exists) with <paramref name="mode"/>.</summary>
    public void MakeDirectory(string path, uint mode)
    {
        using var dir = Directory(path);
        Own(dir.Value, path);
        if (Fcntl.fchmod(dir.Value, (mode & 0x1FF) | 0b111_000_000) != 0) throw new FetchException($"cannot chmod '{path}': {LibcError.Describe(LibcError.LastErrno)}");
    }

    /// <summary>A symlink at <paramref name="path"/> to <paramref name="target"/>, which the caller checked stays in the sandbox.</summary>
    public void Symlink(string path, string target)
    {
        var (dir, leaf) = Split(path);
        using var parent = Directory(dir);
        Remove(parent.Value, leaf, path);
        if (AtFile.symlinkat(target, parent.Value, leaf) != 0) throw new FetchException($"cannot create the symlink '{path}': {LibcError.Describe(LibcError.LastErrno)}");
        if (Owner is { } o && Fcntl.fchownat(parent.Value, leaf, o.Uid, o.Gid, Fcntl.AT_SYMLINK_NOFOLLOW) != 0)
            throw new FetchException($"cannot chown the symlink '{path}': {LibcError.Describe(LibcError.LastErrno)}");
    }

    /// <summary>A hard link at <paramref name="path"/> to the regular file <paramref name="target"/> (both in the sandbox).</summary>
    public void HardLink(string path, string target)
    {
        var (targetDir, targetLeaf) = Split(target);
        var (dir, leaf) = Split(path);
        using var from = Directory(targetDir);
        using var parent = Directory(dir);
        Remove(parent.Value, leaf, path);
        if (AtFile.linkat(from.Value, targetLeaf, parent.Value, leaf, 0) != 0)
            throw new FetchException($"cannot hard link '{path}' to '{target}': {LibcError.Describe(LibcError.LastErrno)}");
    }

    private static (string Dir, string Leaf) Split(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? ("", path) : (path[..slash], path[(slash + 1)..]);
    }

    private void Own(int fd, string path)
    {
        if (Owner is { } o && AtFile.fchown(fd, o.Uid, o.Gid) != 0)
            throw new FetchException($"cannot chown '{path}' to {o.Uid}:{o.Gid}: {LibcError.Describe(LibcError.LastErrno)}");
    }

    /// <summary>Removes a file or link (never a directory with content) so a later entry replaces it.</summary>
    private static void Remove(int parentFd, string leaf, string path)
    {
        if (Fcntl.unlinkat(parentFd, leaf, 0) == 0) return;
        var errno = LibcError.LastErrno;
        if (errno == Errno.ENOENT) return;
        if (errno is AtFile.EISDIR or Errno.EPERM && Fcntl.unlinkat(parentFd, leaf, Fcntl.AT_REMOVEDIR) == 0) return;
        throw new FetchException($"cannot replace '{path}': {LibcError.Describe(LibcError.LastErrno)}");
    }

    /// <summary>An owned directory descriptor closed on dispose.</summary>
    internal readonly record struct DirFd(int Value) : IDisposable
    {
        public void Dispose() => Unistd.close(Value);
    }
}
