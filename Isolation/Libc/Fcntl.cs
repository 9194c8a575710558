using Tmds.Linux;

namespace MiniMesos.Isolation.Libc;

/// <summary>
/// fcntl.h and the *at(2) calls, through Tmds.LibC. O_DIRECTORY and O_NOFOLLOW differ between x86-64 (asm-generic
/// values) and arm64 (which keeps arm's): Tmds.LibC's per-architecture assembly has the right ones.
/// </summary>
internal static unsafe class Fcntl
{
    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_NOCTTY = 0x100;
    public const int O_TRUNC = 0x200;
    public const int O_APPEND = 0x400;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;
    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_REMOVEDIR = 0x200;
    public const int AT_EMPTY_PATH = 0x1000;

    public static readonly int O_DIRECTORY = LibC.O_DIRECTORY;
    public static readonly int O_NOFOLLOW = LibC.O_NOFOLLOW;

    public static int open(string path, int flags, uint mode)
    {
        fixed (byte* p = CString.Of(path)) return LibC.open(p, flags, (ushort)mode);
    }

    public static int openat(int dirfd, string path, int flags, uint mode)
    {
        fixed (byte* p = CString.Of(path)) return LibC.openat(dirfd, p, flags, (ushort)mode);
    }

    public static int mkdirat(int dirfd, string path, uint mode)
    {
        fixed (byte* p = CString.Of(path)) return LibC.mkdirat(dirfd, p, (ushort)mode);
    }

    public static int unlinkat(int dirfd, string path, int flags)
    {
        fixed (byte* p = CString.Of(path)) return LibC.unlinkat(dirfd, p, flags);
    }

    public static int fchownat(int dirfd, string path, uint owner, uint group, int flags)
    {
        fixed (byte* p = CString.Of(path)) return LibC.fchownat(dirfd, p, owner, group, flags);
    }

    public static int renameat(int olddirfd, string oldpath, int newdirfd, string newpath) =>
        LibcImports.renameat(olddirfd, oldpath, newdirfd, newpath);

    public static int fchmod(int fd, uint mode) => LibC.fchmod(fd, (ushort)mode);

    private const int F_DUPFD_CLOEXEC = 1030;

    /// <summary>A close-on-exec duplicate of <paramref name="fd"/> numbered 3 or above, or -1.</summary>
    public static int DupCloseOnExec(int fd) => LibC.fcntl(fd, F_DUPFD_CLOEXEC, 3);

    public static uint umask(uint mask) => (ushort)LibC.umask((ushort)mask);

    /// <summary>glibc 2.28+; the struct layout is the kernel's, the same on every architecture.</summary>
    public static int statx(int dirfd, string path, int flags, uint mask, byte* buf)
    {
        fixed (byte* p = CString.Of(path)) return LibC.statx(dirfd, p, flags, mask, (Tmds.Linux.statx*)buf);
    }
}
